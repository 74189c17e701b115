import { LoggerService } from '@nestjs/common';
import pino, { DestinationStream, Logger as PinoLogger } from 'pino';

/**
 * One app's pino logger: JSON lines named after the app (`name`), nothing taken from an ambient
 * context, so a line can only carry a request id that its writer put there (`child`).
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
    timestamp: isoTimeField(),
  };
  return options.destination ? pino(settings, options.destination) : pino(settings);
}

/**
 * pino's `isoTime` field (`,"time":"2026-01-31T12:34:56.789Z"`), its date part formatted once
 * per second instead of once per line: `toISOString` is a slow builtin, and the access log
 * writes a line per request. One per logger, so nothing is shared between apps.
 * @internal
 */
export function isoTimeField(): () => string {
  let second = NaN;
  let upToMillis = '';
  return () => {
    const now = Date.now();
    const current = Math.floor(now / 1000);
    if (current !== second) {
      second = current;
      // "YYYY-MM-DDTHH:MM:SS." of toISOString, which is this long for years 0 to 9999.
      upToMillis = new Date(current * 1000).toISOString().slice(0, 20);
    }
    const millis = now - current * 1000;
    return `,"time":"${upToMillis}${millis < 10 ? '00' : millis < 100 ? '0' : ''}${millis}Z"`;
  };
}

/**
 * The logger of one service app, provided by its container (inject `ToolkitLogger`): toolkit,
 * plugins and services log through it rather than Nest's static `Logger`, which is one per
 * process and so cannot tell the apps of one process apart. Also Nest's `LoggerService`, handed to
 * `NestFactory.create` for the framework's own lines.
 * @publicApi
 */
export class ToolkitLogger implements LoggerService {
  constructor(
    readonly pino: PinoLogger,
    /** The `context` field of lines that do not name one, as `new Logger(context)` had. */
    private readonly context?: string,
  ) {}

  /** This logger with `context` on its lines: `logger.forContext(UserService.name)`. */
  forContext(context: string): ToolkitLogger {
    return new ToolkitLogger(this.pino, context);
  }

  /** This logger with `bindings` on every line, e.g. `{ request_id }` for one call's lines. */
  child(bindings: Readonly<Record<string, unknown>>): ToolkitLogger {
    return new ToolkitLogger(this.pino.child(bindings), this.context);
  }

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
    const context = strings.length > 0 ? strings[strings.length - 1] : this.context;
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
