import { ToolkitError } from '../../../toolkit/errors';
import type { RealtimeFrame } from '../realtime.types';

/**
 * One `RealtimePlugin.stream()` subscription: the frames the hub delivers to its channel (parsed
 * and frozen once per frame, shared by every stream of the channel), queued until the reader
 * pulls them. The queue is bounded: a reader more than `limit` frames behind
 * ends with RESOURCE_EXHAUSTED instead of making the instance buffer without bound (it would
 * otherwise hold every frame of a busy room for a client that stopped reading). Closing (the
 * reader's `return()`, its abort signal) leaves the channel.
 */
export class ChannelStream implements AsyncIterable<Readonly<RealtimeFrame>> {
  private readonly queue: Readonly<RealtimeFrame>[] = [];
  private waiting:
    | {
        resolve: (result: IteratorResult<Readonly<RealtimeFrame>>) => void;
        reject: (error: unknown) => void;
      }
    | undefined;
  private failure: unknown;
  private closed = false;

  constructor(
    readonly channel: string,
    private readonly limit: number,
    private readonly leave: (stream: ChannelStream) => void,
    signal?: AbortSignal,
  ) {
    signal?.addEventListener('abort', () => this.fail(signal.reason), { once: true });
  }

  /** A frame fanned out to the channel. */
  deliver(frame: Readonly<RealtimeFrame>): void {
    if (this.closed) return;
    if (this.waiting) {
      const waiting = this.waiting;
      this.waiting = undefined;
      waiting.resolve({ value: frame, done: false });
      return;
    }
    if (this.queue.length >= this.limit) {
      this.fail(
        ToolkitError.resourceExhausted(
          `subscriber of ${this.channel} fell more than ${this.limit} messages behind`,
        ),
      );
      return;
    }
    this.queue.push(frame);
  }

  /** Ends the stream: its next read throws `error`; it leaves the channel. */
  fail(error: unknown): void {
    if (this.closed) return;
    this.closed = true;
    this.failure = error;
    this.queue.length = 0;
    this.leave(this);
    if (this.waiting) {
      this.waiting.reject(error);
      this.waiting = undefined;
    }
  }

  [Symbol.asyncIterator](): AsyncIterator<Readonly<RealtimeFrame>> {
    return {
      next: () => {
        const frame = this.queue.shift();
        if (frame !== undefined) return Promise.resolve({ value: frame, done: false });
        if (this.failure !== undefined) return Promise.reject(this.failure);
        return new Promise((resolve, reject) => (this.waiting = { resolve, reject }));
      },
      return: () => {
        this.closed = true;
        this.queue.length = 0;
        this.leave(this);
        this.waiting?.resolve({ value: undefined, done: true });
        this.waiting = undefined;
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }
}
