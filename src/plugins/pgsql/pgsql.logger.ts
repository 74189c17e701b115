import { Logger } from '@nestjs/common';
import { AbstractLogger, LogLevel, LogMessage, QueryRunner } from 'typeorm';

/** Sends TypeORM's log lines to the Nest logger (so they are structured like every other line). */
export class PgsqlTypeOrmLogger extends AbstractLogger {
  private readonly logger: Logger;

  constructor(context: string, debug: boolean) {
    super(
      debug ? ['query', 'error', 'warn', 'migration', 'schema'] : ['error', 'warn', 'migration'],
    );
    this.logger = new Logger(context);
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
        case 'query-error':
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
