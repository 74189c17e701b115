import { AbstractLogger, LogLevel, LogMessage, QueryRunner } from 'typeorm';
import { ThrottledWarnings } from '../../toolkit/logging';
import type { ToolkitLogger } from '../../toolkit/runtime/toolkit-logger';

/**
 * Sends TypeORM's log lines to the Nest logger (so they are structured like every other line).
 * A failed query is one throttled warning naming its SQLSTATE and statement, never its
 * parameters (users' names and e-mails); those appear only at debug level with DEBUG on. Whether
 * the failure is an error is the caller's call: a unique violation is a 409, an outage a 503.
 */
export class PgsqlTypeOrmLogger extends AbstractLogger {
  private readonly logger: ToolkitLogger;
  private readonly warnings: ThrottledWarnings;

  constructor(
    /** The app's logger, with the instance as its context. */
    logger: ToolkitLogger,
    private readonly debug: boolean,
  ) {
    super(
      debug ? ['query', 'error', 'warn', 'migration', 'schema'] : ['error', 'warn', 'migration'],
    );
    this.logger = logger;
    this.warnings = new ThrottledWarnings(this.logger);
  }

  override logQueryError(
    error: string | Error,
    query: string,
    parameters?: unknown[],
    _queryRunner?: QueryRunner,
  ): void {
    const code: unknown = typeof error === 'object' ? Reflect.get(error, 'code') : undefined;
    const state = typeof code === 'string' ? code : 'no SQLSTATE';
    const reason = typeof error === 'string' ? error : error.message;
    const statement = query.replace(/\s+/g, ' ').slice(0, 200);
    this.warnings.warn(`query-error:${state}`, `query failed (${state}): ${reason}; ${statement}`);
    if (this.debug && parameters && parameters.length > 0) {
      this.logger.debug(`parameters of the failed query: ${JSON.stringify(parameters)}`);
    }
  }

  protected writeLog(
    level: LogLevel,
    logMessage: LogMessage | string | number | (LogMessage | string | number)[],
    queryRunner?: QueryRunner,
  ): void {
    for (const message of this.prepareLogMessages(logMessage, {}, queryRunner)) {
      const text = String(message.message);
      switch (message.type ?? level) {
        case 'error':
          this.logger.error(text);
          break;
        case 'warn':
        case 'query-slow':
          this.logger.warn(text);
          break;
        case 'query':
        case 'schema-build':
          this.logger.debug(text);
          break;
        default:
          this.logger.log(text);
      }
    }
  }
}
