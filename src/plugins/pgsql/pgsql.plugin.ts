import { DataSource, EntityManager } from 'typeorm';
import { causeChain, isNetworkFailure } from '../../toolkit/errors';
import { retryWithinDeadline, withinDeadline } from '../../toolkit/runtime/deadline';
import { isPgsqlUnavailable } from './pgsql.failures';

/**
 * What a service gets from a postgres_gorm plugin instance (`@InjectPgsql(prefix)`). A call
 * through `read` and `transaction` given a deadline (pass the handler's `CallContext`) is bounded
 * by it; what is retried is decided here, once, for every service.
 * @publicApi
 */
export interface PgsqlPlugin {
  /** The initialized TypeORM DataSource (migrations have run). */
  readonly dataSource: DataSource;
  /**
   * Runs `work` in one transaction: committed when it resolves, rolled back when it rejects.
   * Repeated only when PostgreSQL guarantees it rolled back (serialization failure, deadlock): a
   * transaction whose connection dropped may have committed.
   */
  transaction<T>(work: (manager: EntityManager) => Promise<T>, bound?: DeadlineBound): Promise<T>;
  /** Runs a read that has no effect, repeated after a lost connection or a PostgreSQL restart. */
  read<T>(work: () => Promise<T>, bound?: DeadlineBound): Promise<T>;
}

/** What bounds a database call: a deadline in epoch ms (a `CallContext` is one). @publicApi */
export interface DeadlineBound {
  readonly deadline?: number;
}

/** How the plugin retries; from `<PREFIX>_PGSQL_RETRIES`. */
export interface PgsqlRetrySettings {
  retries: number;
  initialDelayMs: number;
  maxDelayMs: number;
  /** Named in logs and deadline errors, e.g. `PostgreSQL user-service/pgsql`. */
  backend: string;
}

/** 40001 serialization failure, 40P01 deadlock: PostgreSQL rolled the transaction back. */
export function isRolledBack(error: unknown): boolean {
  const code: unknown =
    typeof error === 'object' && error !== null
      ? (Reflect.get(error, 'code') ?? Reflect.get(Reflect.get(error, 'driverError') ?? {}, 'code'))
      : undefined;
  return code === '40001' || code === '40P01';
}

/** A read may be repeated after any failure that did not come from the statement itself. */
function isRetryableRead(error: unknown): boolean {
  return causeChain(error).some(
    (link) => isRolledBack(link) || isPgsqlUnavailable(link) || isNetworkFailure(link),
  );
}

/** @internal */
export class TypeOrmPgsqlPlugin implements PgsqlPlugin {
  constructor(
    readonly dataSource: DataSource,
    private readonly retry: PgsqlRetrySettings = {
      retries: 0,
      initialDelayMs: 50,
      maxDelayMs: 1000,
      backend: 'PostgreSQL',
    },
  ) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>, bound?: DeadlineBound): Promise<T> {
    return retryWithinDeadline(() => this.dataSource.transaction(work), {
      ...this.retry,
      isRetryable: isRolledBack,
      deadline: bound?.deadline,
    });
  }

  read<T>(work: () => Promise<T>, bound?: DeadlineBound): Promise<T> {
    const deadline = bound?.deadline;
    if (this.retry.retries === 0) return withinDeadline(work(), this.retry.backend, deadline);
    return retryWithinDeadline(work, {
      ...this.retry,
      isRetryable: isRetryableRead,
      deadline,
    });
  }
}
