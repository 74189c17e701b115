import { AsyncLocalStorage } from 'node:async_hooks';
import { LoggerService } from '@nestjs/common';
import pino, { DestinationStream, Logger as PinoLogger } from 'pino';

/**
 * The app's logger: JSON lines through pino. Lines written for a call carry its `request_id` and
 * `rpc` through the call's child logger (`CallContext.log`), not through an ambient context.
 * @publicApi
 */
export function createPinoLogger(options: {
  level: string;
  name?: string;
  /** Where the JSON lines go; default stdout. */
  destination?: DestinationStream;
}): PinoLogger {
  const settings: pino.LoggerOptions = {
    level: options.level,
    name: options.name,
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return options.destination ? pino(settings, options.destination) : pino(settings);
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

// Per-app loggers injected from each app's container replace this routing (and its
// AsyncLocalStorage) on the branch that builds them; nothing new should be built on it.
const appLoggers = new AsyncLocalStorage<LoggerService>();

/**
 * Runs `work` as one app's: every Nest `Logger` line written by it and by whatever it starts
 * (servers, sockets, timers, promise callbacks) goes to `logger`. `bootstrapService` wraps an
 * app's start-up and shutdown in it.
 * @publicApi
 */
export function runAsApp<T>(logger: LoggerService, work: () => T): T {
  lastAppLogger = logger;
  return appLoggers.run(logger, work);
}

let lastAppLogger: LoggerService | undefined;

/**
 * Nest's `Logger` is static: `app.useLogger` binds it process-wide, so with several apps in one
 * process the last one would get every line. This one logger is bound instead and hands each line
 * to the logger of the app whose work is running (see `runAsApp`). Lines written outside any app's
 * context (grpc-js does not carry it into calls) go to the last app started, which is the right
 * one in a process that runs one service, else to an unnamed process logger.
 * @publicApi
 */
export class AppRoutingLogger implements LoggerService {
  private fallback?: LoggerService;

  log(message: unknown, ...rest: unknown[]): void {
    this.current().log(message, ...rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.current().error(message, ...rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.current().warn(message, ...rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.current().debug?.(message, ...rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.current().verbose?.(message, ...rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.current().fatal?.(message, ...rest);
  }

  private current(): LoggerService {
    const app = appLoggers.getStore();
    if (app) return app;
    if (lastAppLogger) return lastAppLogger;
    this.fallback ??= new ToolkitLogger(createPinoLogger({ level: 'info' }));
    return this.fallback;
  }
}

/** The logger `bootstrapService` binds to Nest's static `Logger` in every app. @publicApi */
export const appRoutingLogger = new AppRoutingLogger();
