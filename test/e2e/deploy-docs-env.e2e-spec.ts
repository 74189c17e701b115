import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PLUGIN_KINDS } from '../../src/plugins';
import { SERVICE_DEFINITIONS } from '../../src/services';
import { describeServices } from '../../src/toolkit/runtime';
import { CONFIGURATION_PATH, renderConfigurationDoc } from '../../tools/docs-env';

const README = join(__dirname, '..', '..', 'README.md');

describe('docs/configuration.md (environment variables)', () => {
  const doc = readFileSync(CONFIGURATION_PATH, 'utf8');

  it('is what `npm run docs:env` generates from the --help declarations (fresh)', () => {
    expect(renderConfigurationDoc()).toBe(doc);
  });

  it('lists every declared variable of every registered service', () => {
    for (const { service, rows } of describeServices(SERVICE_DEFINITIONS, PLUGIN_KINDS)) {
      expect(doc).toContain(`## ${service}`);
      for (const row of rows) expect(doc).toContain(`| \`${row.name}\` `);
    }
  });

  it('is linked from a README that stays short (at most 12 KB, the two commands first)', () => {
    const readme = readFileSync(README, 'utf8');
    expect(Buffer.byteLength(readme)).toBeLessThanOrEqual(12 * 1024);
    expect(readme).toContain('(docs/configuration.md)');
    const firstBlock = /```bash\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    expect(firstBlock).toMatch(/^npm ci && npm start\b/);
    expect(firstBlock).toMatch(/\nnpm test\b/);
    expect(readme.indexOf('```bash')).toBeLessThan(readme.indexOf('## '));
  });
});
