import * as path from 'node:path';

interface ModuleImports {
  /** Local name of the default import (a JSON module's content), if any. */
  defaultName?: string;
  values: Set<string>;
  types: Set<string>;
}

/** Collects the imports of one generated file and renders them in a stable order. */
export class ImportCollector {
  private readonly modules = new Map<string, ModuleImports>();

  constructor(private readonly fromFile: string) {}

  /** Imports `name` as a value from `modulePath` (a path relative to the output root, or a package). */
  value(modulePath: string, name: string): string {
    this.module(modulePath).values.add(name);
    return name;
  }

  /** Imports the default export of `modulePath` (a JSON file's content) as `name`. */
  defaultValue(modulePath: string, name: string): string {
    this.module(modulePath).defaultName = name;
    return name;
  }

  /** Imports `name` as a type only. */
  type(modulePath: string, name: string): string {
    this.module(modulePath).types.add(name);
    return name;
  }

  render(): string[] {
    const lines: string[] = [];
    const specifiers = [...this.modules.keys()].map((key) => [key, this.specifier(key)] as const);
    specifiers.sort(([, a], [, b]) => a.localeCompare(b));
    for (const [key, specifier] of specifiers) {
      const entry = this.modules.get(key);
      if (!entry) continue;
      const types = [...entry.types].filter((name) => !entry.values.has(name)).sort();
      if (entry.defaultName) lines.push(`import ${entry.defaultName} from '${specifier}';`);
      if (entry.values.size > 0)
        lines.push(`import { ${[...entry.values].sort().join(', ')} } from '${specifier}';`);
      if (types.length > 0) lines.push(`import type { ${types.join(', ')} } from '${specifier}';`);
    }
    return lines;
  }

  private module(modulePath: string): ModuleImports {
    let entry = this.modules.get(modulePath);
    if (!entry) {
      entry = { values: new Set(), types: new Set() };
      this.modules.set(modulePath, entry);
    }
    return entry;
  }

  /** Output-root-relative paths (leading `/`, may climb out with `/../`) become relative to the importing file. */
  private specifier(modulePath: string): string {
    if (!modulePath.startsWith('/')) return modulePath;
    const target = modulePath.slice(1);
    const fromDir = path.posix.dirname(this.fromFile);
    if (target.startsWith('../')) {
      const up = fromDir === '.' ? '' : '../'.repeat(fromDir.split('/').length);
      return path.posix.normalize(`${up}${target}`);
    }
    const relative = path.posix.relative(`/${fromDir}`, `/${target}`);
    return relative.startsWith('.') ? relative : `./${relative}`;
  }
}
