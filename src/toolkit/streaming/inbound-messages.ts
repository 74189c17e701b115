/** Flow control of the transport feeding an `InboundMessages` queue. @internal */
export interface InboundFlow {
  pause(): void;
  resume(): void;
}

/**
 * Inbound request messages as the async iterable a client- or bidi-streaming handler reads. The
 * transport pushes what it decoded and validated; once `highWaterMark` messages wait unread it
 * is paused (stops reading its socket), and resumed when the handler caught up. A transport
 * that cannot stop at once (a WebSocket parser still holding frames of one read) may push a few
 * more; `push` answers false once `limit` messages wait, and the caller ends the stream.
 * @internal
 */
export class InboundMessages<T> implements AsyncIterable<T> {
  private readonly queue: T[] = [];
  private waiting:
    { resolve: (result: IteratorResult<T>) => void; reject: (error: unknown) => void } | undefined;
  private ended = false;
  private failure: { error: unknown } | undefined;
  private paused = false;
  private iterated = false;
  /** Messages pushed so far. */
  received = 0;

  constructor(
    private readonly flow: InboundFlow,
    private readonly highWaterMark: number,
    private readonly limit: number,
  ) {}

  /** Queues a message; false when `limit` messages already wait (nothing is queued then). */
  push(message: T): boolean {
    if (this.ended || this.failure) return true;
    if (this.queue.length >= this.limit) return false;
    this.received += 1;
    if (this.waiting) {
      const waiting = this.waiting;
      this.waiting = undefined;
      waiting.resolve({ value: message, done: false });
      return true;
    }
    this.queue.push(message);
    if (this.queue.length >= this.highWaterMark && !this.paused) {
      this.paused = true;
      this.flow.pause();
    }
    return true;
  }

  /** The client ended its requests: the handler's loop ends after the queued ones. */
  end(): void {
    this.ended = true;
    if (this.waiting && this.queue.length === 0) {
      this.waiting.resolve({ value: undefined, done: true });
      this.waiting = undefined;
    }
  }

  /** The handler's next read throws `error` (queued messages are dropped). */
  fail(error: unknown): void {
    if (this.failure) return;
    this.failure = { error };
    this.queue.length = 0;
    if (this.waiting) {
      this.waiting.reject(error);
      this.waiting = undefined;
    }
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    if (this.iterated) throw new Error('a request stream can be iterated once');
    this.iterated = true;
    return {
      next: () => this.next(),
      return: async () => {
        this.fail(new Error('request stream closed by the handler'));
        return { value: undefined, done: true };
      },
    };
  }

  private next(): Promise<IteratorResult<T>> {
    if (this.failure) return Promise.reject(this.failure.error);
    const message = this.queue.shift();
    if (message !== undefined) {
      if (this.paused && this.queue.length < this.highWaterMark / 2) {
        this.paused = false;
        this.flow.resume();
      }
      return Promise.resolve({ value: message, done: false });
    }
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => (this.waiting = { resolve, reject }));
  }
}
