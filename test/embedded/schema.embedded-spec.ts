import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SERVICE_DEFINITIONS } from '../../src/services';
import { TEST_PG, TestDatabase, createTestDatabase } from '../support/pg';

const run = promisify(execFile);

interface Schemas {
  embedded: Record<string, unknown[]>;
  postgres: Record<string, unknown[]>;
}

// The embedded database must be the same schema as production's: every service's migrations
// applied to the embedded server and to the shared PostgreSQL give identical columns, indexes and constraints.
describe('the embedded PostgreSQL runs the same migrations as the production one', () => {
  const services = SERVICE_DEFINITIONS.filter((definition) => definition.plugins?.pgsql).map(
    (definition) => definition.name,
  );
  const databases: TestDatabase[] = [];
  let schemas: Record<string, Schemas>;

  beforeAll(async () => {
    const urls: Record<string, string> = {};
    for (const service of services) {
      const database = await createTestDatabase(`schema_${service}`);
      databases.push(database);
      const auth = TEST_PG.password ? `${TEST_PG.user}:${TEST_PG.password}` : TEST_PG.user;
      urls[service] = `postgres://${auth}@${TEST_PG.host}:${TEST_PG.port}/${database.name}`;
    }
    const { stdout } = await run(
      process.execPath,
      ['-r', 'ts-node/register', join(__dirname, 'fixtures', 'schema.fixture.ts')],
      {
        env: {
          PATH: process.env.PATH,
          TS_NODE_TRANSPILE_ONLY: 'true',
          SCHEMA_FIXTURE_DATABASES: JSON.stringify(urls),
        },
        timeout: 120_000,
        maxBuffer: 16 * 1024 * 1024,
      },
    );
    schemas = JSON.parse(stdout) as Record<string, Schemas>;
  }, 150_000);

  afterAll(async () => {
    await Promise.all(databases.map((database) => database.drop()));
  });

  it('covers every service with a pgsql plugin', () => {
    expect(services.length).toBeGreaterThan(0);
    expect(Object.keys(schemas).sort()).toEqual([...services].sort());
  });

  it.each(SERVICE_DEFINITIONS.filter((definition) => definition.plugins?.pgsql).map((d) => d.name))(
    '%s: same columns, indexes and constraints',
    (service) => {
      const { embedded, postgres } = schemas[service];
      expect(postgres.columns.length).toBeGreaterThan(0);
      expect(embedded).toEqual(postgres);
    },
  );
});
