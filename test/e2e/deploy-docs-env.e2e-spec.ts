import { readFileSync } from 'node:fs';
import { PLUGIN_KINDS } from '../../src/plugins';
import { SERVICE_DEFINITIONS } from '../../src/services';
import { describeServices } from '../../src/toolkit/runtime';
import { README_PATH, withEnvTables } from '../../tools/docs-env';

describe('README environment tables', () => {
  const readme = readFileSync(README_PATH, 'utf8');

  it('are what `npm run docs:env` generates from the --help declarations (fresh)', () => {
    expect(withEnvTables(readme)).toBe(readme);
  });

  it('list every declared variable of every registered service', () => {
    for (const { service, rows } of describeServices(SERVICE_DEFINITIONS, PLUGIN_KINDS)) {
      expect(readme).toContain(`### ${service}`);
      for (const row of rows) expect(readme).toContain(`| \`${row.name}\` `);
    }
  });

  it('refuses a README without the generated section markers', () => {
    expect(() => withEnvTables('# no markers\n')).toThrow(/env-table:start/);
  });
});
