import { Logger } from '@nestjs/common';

/** How often one kind of warning may reach the log. @publicApi */
export const DEFAULT_WARNING_INTERVAL_MS = 10_000;

interface Window {
  suppressed: number;
  last: string;
  timer: NodeJS.Timeout;
}

/**
 * Warnings that an outage repeats on every request (a cache down, a broker away) collapse to
 * one line per interval and key: the first is written at once, the others are counted, and when
 * the interval ends one line says how many there were, with the last one's text. A storm of
 * 1,000 failing calls is then a handful of lines, and none is silently lost.
 * @publicApi
 */
export class ThrottledWarnings {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly logger: Pick<Logger, 'warn'>,
    private readonly intervalMs = DEFAULT_WARNING_INTERVAL_MS,
  ) {}

  /** `key` groups warnings of one kind (e.g. `cache-read`); `message` is the line to write. */
  warn(key: string, message: string): void {
    const open = this.windows.get(key);
    if (open) {
      open.suppressed += 1;
      open.last = message;
      return;
    }
    this.logger.warn(message);
    const window: Window = {
      suppressed: 0,
      last: message,
      timer: setTimeout(() => this.closeWindow(key), this.intervalMs),
    };
    window.timer.unref();
    this.windows.set(key, window);
  }

  private closeWindow(key: string): void {
    const window = this.windows.get(key);
    this.windows.delete(key);
    if (!window || window.suppressed === 0) return;
    const seconds = Math.round(this.intervalMs / 100) / 10;
    this.logger.warn(
      `${window.last} (and ${window.suppressed} more like it in the last ${seconds}s)`,
    );
  }
}
