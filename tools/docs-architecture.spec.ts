import * as fs from 'node:fs';
import * as path from 'node:path';

// docs/architecture.md is only useful while it matches the code: every path and exported name it
// cites in backticks must exist.
const ROOT = path.resolve(__dirname, '..');
const SOURCE_DIRS = ['src', 'tools', 'test', 'bench', 'deploy'];
const IGNORED_DIRS = new Set(['node_modules', '__golden__', 'data', 'results']);

function walk(dir: string, found: string[] = []): string[] {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (IGNORED_DIRS.has(entry.name)) continue;
    const child = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(child, found);
    else found.push(path.relative(ROOT, child).split(path.sep).join('/'));
  }
  return found;
}

const FILES = [...SOURCE_DIRS, 'proto'].flatMap((dir) => walk(path.join(ROOT, dir)));
const TS_SOURCES = FILES.filter((file) => file.endsWith('.ts')).map((file) =>
  fs.readFileSync(path.join(ROOT, file), 'utf8'),
);

const PATH_LIKE = /\/|\.(ts|js|proto|md|json|sh|ya?ml)$/;
const IDENTIFIER = /^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)?$/;

/** `src/modules/<service>/` → a regex over repository paths (or basenames, without a slash). */
function templateRegex(template: string): RegExp {
  const escaped = template
    .split(/<[^>]+>/)
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('[^/]+');
  return new RegExp(`^${escaped}`);
}

function pathExists(cited: string): boolean {
  if (!cited.includes('<')) return fs.existsSync(path.join(ROOT, cited));
  const pattern = templateRegex(cited);
  return cited.includes('/')
    ? FILES.some((file) => pattern.test(file))
    : FILES.some((file) => pattern.test(path.posix.basename(file)));
}

/** Exported by some module, or declared as a member of an exported type (`dataSource`). */
function nameExists(dotted: string): boolean {
  const [name, property] = dotted.split('.');
  if (property !== undefined) return nameExists(name) && nameExists(property);
  const exported = new RegExp(
    `export (declare )?(abstract )?(async )?(function|class|const|let|interface|type|enum) ${name}\\b|export \\{[^}]*\\b${name}\\b`,
  );
  const member = new RegExp(`^\\s+(readonly |static |async )*${name}[?]?[(:<]`, 'm');
  return TS_SOURCES.some((source) => exported.test(source) || member.test(source));
}

/** The name a citation stands for: `XRpc(method)` → `UserServiceRpc`; undefined when not a name. */
function citedName(span: string): string | undefined {
  const bare = span.replace(/\(.*\)$/, '');
  if (!IDENTIFIER.test(bare)) return undefined;
  const hasCall = bare !== span;
  const isConstant = /^[A-Z][A-Z0-9]*_[A-Z0-9_]+$/.test(bare);
  const hasUpper = /[A-Z]/.test(bare) && !/^[A-Z]+$/.test(bare);
  if (!hasCall && !isConstant && !hasUpper) return undefined; // plain words: `pgsql`, `auth`
  if (bare === 'X') return undefined;
  // `X` stands for a service name in the generator section.
  return bare.replace(/(^|[a-z])X(?=[A-Z])/g, '$1UserService');
}

/** Citations of `markdown` that name no existing path or exported name. */
function staleCitations(markdown: string): string[] {
  const stale: string[] = [];
  for (const [, span] of markdown.matchAll(/`([^`\n]+)`/g)) {
    if (/[\s,={}:'"]/.test(span.replace(/\(.*\)$/, '')) || span.startsWith('-')) continue;
    if (span.startsWith('/')) continue; // an HTTP route, not a file
    if (PATH_LIKE.test(span) && !IDENTIFIER.test(span)) {
      if (!pathExists(span)) stale.push(`path ${span}`);
      continue;
    }
    const name = citedName(span);
    if (name !== undefined && !nameExists(name)) stale.push(`name ${span}`);
  }
  return [...new Set(stale)];
}

describe('docs/architecture.md', () => {
  const doc = fs.readFileSync(path.join(ROOT, 'docs', 'architecture.md'), 'utf8');

  it('cites only paths and names that exist', () => {
    expect(staleCitations(doc)).toEqual([]);
  });

  it('cites a fair number of them (the check is not vacuous)', () => {
    const spans = [...doc.matchAll(/`([^`\n]+)`/g)].length;
    expect(spans).toBeGreaterThan(60);
  });

  it('reports a missing path, a missing name and a missing template match', () => {
    expect(
      staleCitations(
        'See `src/toolkit/nowhere.ts`, `ToolkitModule.forService`, `NoSuchThing()`, ' +
          '`createXNothing`, `src/gen/<package>/missing.ts`, and `src/gen/<package>/` (exists), ' +
          '`bootstrapService` (exists), `pgsql` (a word).',
      ),
    ).toEqual([
      'path src/toolkit/nowhere.ts',
      'name ToolkitModule.forService',
      'name NoSuchThing()',
      'name createXNothing',
      'path src/gen/<package>/missing.ts',
    ]);
  });
});

describe('source comments', () => {
  // Documents outside the repository (the design notes, the original brief) mean nothing to a
  // reader of the code: comments give the reason instead. Built from parts so this file passes.
  const outside = new RegExp(['DESIGN(\\.md| ?§)', '\\bthe seed\\b', "\\bseed['’]s\\b"].join('|'));

  it('cite no document outside the repository', () => {
    const citing = FILES.filter((file) => /\.(ts|js|md|sh|ya?ml)$/.test(file))
      .filter((file) => !file.startsWith('src/gen/') && !file.startsWith('test/gen/'))
      .filter((file) => outside.test(fs.readFileSync(path.join(ROOT, file), 'utf8')));
    expect(citing).toEqual([]);
  });
});
