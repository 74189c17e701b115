import { DataSource, EntityManager } from 'typeorm';

/**
 * What a service gets from a postgres_gorm plugin instance (`@InjectPgsql(prefix)`).
 * @publicApi
 */
export interface PgsqlPlugin {
  /** The initialized TypeORM DataSource (migrations have run). */
  readonly dataSource: DataSource;
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it rejects. */
  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T>;
}

/** @internal */
export class TypeOrmPgsqlPlugin implements PgsqlPlugin {
  constructor(readonly dataSource: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }
}
