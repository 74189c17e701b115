import { LoggerService } from '@nestjs/common';
import pino, { Logger as PinoLogger } from 'pino';
import { currentRequest } from './request-context';

/**
 * The process logger: JSON lines through pino, each carrying `request_id` (and `rpc`) while a
 * request is being served, found through the request context rather than a per-request child.
 * @publicApi
 */
export function createPinoLogger(options: { level: string; name?: string }): PinoLogger {
  return pino({
    level: options.level,
    name: options.name,
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    mixin() {
      const request = currentRequest();
      return request ? { request_id: request.requestId, rpc: request.rpc } : {};
    },
  });
}

/**
 * Nest's `LoggerService` on pino (`app.useLogger`). nestjs-pino keeps one process-wide root
 * logger, which several service apps in one process would share with the first app's level and
 * name; this adapter is one per app.
 * @publicApi
 */
export class ToolkitLogger implements LoggerService {
  constructor(readonly pino: PinoLogger) {}

  log(message: unknown, ...rest: unknown[]): void {
    this.write('info', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.write('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('trace', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.write('fatal', message, rest);
  }

  /** Nest passes `(message, context)` or `(message, stack, context)`; objects become fields. */
  private write(level: pino.Level, message: unknown, rest: unknown[]): void {
    if (!this.pino.isLevelEnabled(level)) return;
    const strings = rest.filter((part): part is string => typeof part === 'string');
    const context = strings.length > 0 ? strings[strings.length - 1] : undefined;
    const stack = level === 'error' && strings.length > 1 ? strings[0] : undefined;
    const fields: Record<string, unknown> = { context };
    if (stack) fields.stack = stack;
    if (message instanceof Error) {
      this.pino[level]({ ...fields, err: message }, message.message);
    } else if (typeof message === 'object' && message !== null) {
      this.pino[level]({ ...fields, ...message });
    } else {
      this.pino[level](fields, String(message));
    }
  }
}
