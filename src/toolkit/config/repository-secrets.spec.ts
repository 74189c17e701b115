import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repositorySecretProblems } from './repository-secrets';

describe('repositorySecretProblems', () => {
  const root = mkdtempSync(join(tmpdir(), 'repo-secrets-'));
  writeFileSync(join(root, '.env'), 'A_JWT_SECRET=committed-dev-secret\nEMPTY=\n');
  writeFileSync(join(root, '.env.example'), '# comment\nB_PASSWORD="example-password"\n');

  it('names each secret variable whose value is committed, under any name, and the file', () => {
    const problems = repositorySecretProblems(
      new Map([
        ['GW_AUTH_JWT_SECRET', 'committed-dev-secret'],
        ['GW_CACHE_PASSWORD', ' example-password '],
        ['GW_PGSQL_PASSWORD', 'a-real-one'],
      ]),
      root,
    );
    expect(problems).toEqual([
      'GW_AUTH_JWT_SECRET is a development secret committed in .env; NODE_ENV=production needs a secret of its own',
      'GW_CACHE_PASSWORD is a development secret committed in .env.example; NODE_ENV=production needs a secret of its own',
    ]);
    expect(problems.join()).not.toContain('committed-dev-secret');
  });

  it('ignores empty values and missing files', () => {
    expect(repositorySecretProblems(new Map([['X_SECRET', '']]), root)).toEqual([]);
    expect(
      repositorySecretProblems(new Map([['X_SECRET', 'committed-dev-secret']]), join(root, 'nope')),
    ).toEqual([]);
  });
});
