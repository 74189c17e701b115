import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..');

type Case = readonly [file: string, source: string];

const refused: Case[] = [
  ['src/toolkit/index.ts', "export * from '../plugins/cache';"],
  ['src/toolkit/auth/x.ts', "import { CachePlugin } from '../../plugins/cache/cache.plugin';"],
  ['src/toolkit/auth/x.ts', "import type { RealtimePlugin } from '../../plugins/realtime';"],
  ['src/toolkit/runtime/x.ts', "import { PLUGIN_KINDS } from '../../plugins';"],
  [
    'src/toolkit/transport/websocket/x.ts',
    "import { x } from '../../../modules/chat/chat.module';",
  ],
  ['src/toolkit/proxy/x.spec.ts', "import { x } from '../../../src/plugins/realtime';"],
];

const allowed: Case[] = [
  ['src/toolkit/runtime/x.ts', "import { PluginStatusRegistry } from '../plugins';"],
  ['src/toolkit/auth/x.ts', "import { getKeyValueStoreToken } from '../ports';"],
  ['src/plugins/cache/x.ts', "import { KeyValueStore } from '../../toolkit/ports';"],
  ['src/modules/chat/x.ts', "import { RealtimePlugin } from '../../plugins/realtime';"],
];

/**
 * The `no-restricted-imports` messages the project's ESLint config reports for each case, linted
 * in a child process: the config is an ES module, which jest's sandbox cannot import.
 */
function lint(cases: readonly Case[]): string[][] {
  const script = `
    import { ESLint } from 'eslint';
    const cases = JSON.parse(process.argv[1]);
    const eslint = new ESLint({ cwd: process.cwd() });
    const out = [];
    for (const [file, source] of cases) {
      const [result] = await eslint.lintText(source, { filePath: file });
      out.push(result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message));
    }
    process.stdout.write(JSON.stringify(out));
  `;
  const output = execFileSync(
    process.execPath,
    ['--input-type=module', '-e', script, JSON.stringify(cases)],
    { cwd: root, encoding: 'utf8' },
  );
  return JSON.parse(output) as string[][];
}

describe('lint: src/toolkit never imports src/plugins or src/modules', () => {
  const results = lint([...refused, ...allowed]);

  it.each(refused.map((entry, index) => [...entry, index] as const))(
    'refuses %s: %s',
    (_file, _source, index) => {
      expect(results[index]).toHaveLength(1);
      expect(results[index][0]).toContain('src/toolkit must not import src/plugins or src/modules');
    },
  );

  it.each(allowed.map((entry, index) => [...entry, refused.length + index] as const))(
    'allows %s: %s',
    (_file, _source, index) => {
      expect(results[index]).toEqual([]);
    },
  );
});
