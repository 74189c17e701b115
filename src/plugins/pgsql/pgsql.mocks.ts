import { DataSource, EntityManager } from 'typeorm';
import { PgsqlPlugin } from './pgsql.plugin';

/**
 * A jest mock of {@link PgsqlPlugin}: `transaction(work)` runs `work` with a mocked EntityManager
 * and `read(work)` runs `work` once
 * (reachable as `dataSource.manager`), and `dataSource` is an empty object to stub as needed.
 * For jest only (uses the `jest` global).
 * @publicApi
 */
export function createPgsqlPluginMock(): jest.Mocked<PgsqlPlugin> {
  const manager = {} as EntityManager;
  const dataSource = { manager, isInitialized: true } as unknown as DataSource;
  return {
    dataSource,
    transaction: jest.fn(<T>(work: (entityManager: EntityManager) => Promise<T>) => work(manager)),
    read: jest.fn(<T>(work: () => Promise<T>) => work()),
  } as jest.Mocked<PgsqlPlugin>;
}
