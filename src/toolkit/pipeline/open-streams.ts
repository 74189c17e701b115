import type { ToolkitError } from '../errors/toolkit-error';

/**
 * The streams one app is serving (HTTP server streams, gRPC streams, WebSocket streams), each
 * with how to end it. At shutdown they are ended with UNAVAILABLE so their clients reconnect to
 * another instance, instead of holding the drain open until the grace period cuts them.
 * @internal
 */
export class OpenStreams {
  private readonly ends = new Set<(error: ToolkitError) => void>();
  private ended: ToolkitError | undefined;

  /**
   * Registers an open stream; the returned function unregisters it once it ended. A stream
   * opened after `endAll` (during the drain) is ended right after it registered.
   */
  open(end: (error: ToolkitError) => void): () => void {
    const ended = this.ended;
    if (ended) {
      queueMicrotask(() => end(ended));
      return () => undefined;
    }
    this.ends.add(end);
    return () => void this.ends.delete(end);
  }

  get size(): number {
    return this.ends.size;
  }

  /** Ends every open stream with `error`. */
  endAll(error: ToolkitError): void {
    this.ended = error;
    const ends = [...this.ends];
    this.ends.clear();
    for (const end of ends) end(error);
  }
}
