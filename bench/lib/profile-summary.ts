import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/** The parts of a V8 .cpuprofile this summary reads. */
interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    children?: number[];
  }[];
  samples: number[];
  timeDeltas: number[];
}

interface Frame {
  functionName: string;
  url: string;
  lineNumber: number;
  parent?: number;
}

const IDLE = new Set(['(idle)']);

/** Where a frame's code lives: our source file, an npm package, Node's internals or V8. */
function categoryOf(url: string, functionName: string, buildRoot: string): string {
  const path = url.startsWith('file://') ? url.slice('file://'.length) : url;
  if (path.startsWith(buildRoot + sep + 'src' + sep))
    return `src/${relative(join(buildRoot, 'src'), path).replace(/\.js$/, '.ts')}`;
  const modules = path.lastIndexOf(`node_modules${sep}`);
  if (modules >= 0) {
    const parts = path.slice(modules + 'node_modules/'.length).split(sep);
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  if (path.startsWith('node:')) return 'node (internals)';
  if (path === '') return functionName.startsWith('(') ? functionName : 'V8/native';
  return path;
}

function percentTable(
  title: string,
  counts: Map<string, number>,
  total: number,
  limit: number,
): string {
  const rows = [...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, limit);
  return [
    `| ${title} | % CPU |`,
    '| --- | ---: |',
    ...rows.map(([name, count]) => `| ${name} | ${((100 * count) / total).toFixed(1)} |`),
  ].join('\n');
}

/** Markdown summary of one profile: by package (self), by innermost project file, top functions. */
function summarizeOne(file: string, buildRoot: string): string {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const frames = new Map<number, Frame>();
  for (const node of profile.nodes) frames.set(node.id, { ...node.callFrame });
  for (const node of profile.nodes)
    for (const child of node.children ?? []) {
      const frame = frames.get(child);
      if (frame) frame.parent = node.id;
    }
  const selfByCategory = new Map<string, number>();
  const byProjectFrame = new Map<string, number>();
  const selfByFunction = new Map<string, number>();
  const add = (map: Map<string, number>, key: string, weight: number) =>
    map.set(key, (map.get(key) ?? 0) + weight);
  let total = 0;
  profile.samples.forEach((id, index) => {
    const frame = frames.get(id);
    if (!frame || IDLE.has(frame.functionName)) return;
    const weight = profile.timeDeltas[index] ?? 0;
    total += weight;
    const category = categoryOf(frame.url, frame.functionName, buildRoot);
    add(selfByCategory, category, weight);
    add(
      selfByFunction,
      `${frame.functionName || '(anonymous)'} — ${category}:${frame.lineNumber + 1}`,
      weight,
    );
    let owner: string | undefined;
    for (
      let cursor: Frame | undefined = frame;
      cursor;
      cursor = cursor.parent === undefined ? undefined : frames.get(cursor.parent)
    ) {
      const ownerCategory = categoryOf(cursor.url, cursor.functionName, buildRoot);
      if (ownerCategory.startsWith('src/')) {
        owner = `${ownerCategory} ${cursor.functionName || '(anonymous)'}`;
        break;
      }
    }
    add(byProjectFrame, owner ?? '(no project frame on the stack)', weight);
  });
  return [
    `Busy CPU time: ${(total / 1e6).toFixed(1)} s (idle excluded).`,
    '',
    percentTable('self time by package / file', selfByCategory, total, 25),
    '',
    percentTable(
      'time under the innermost project function on the stack (incl. the library code it called)',
      byProjectFrame,
      total,
      30,
    ),
    '',
    percentTable('top self-time functions', selfByFunction, total, 30),
  ].join('\n');
}

/** Summaries of every .cpuprofile under `directory` (one per profiled phase subdirectory). */
export function summarizeProfiles(directory: string, buildRoot: string): string {
  const sections: string[] = [];
  for (const phase of readdirSync(directory).sort()) {
    const phaseDirectory = join(directory, phase);
    for (const file of readdirSync(phaseDirectory).filter((name) => name.endsWith('.cpuprofile'))) {
      sections.push(
        `### Profile: ${phase}\n\n${summarizeOne(join(phaseDirectory, file), buildRoot)}`,
      );
    }
  }
  return sections.join('\n\n');
}
