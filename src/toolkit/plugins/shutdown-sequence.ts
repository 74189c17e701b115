import { Injectable } from '@nestjs/common';

/** A step a plugin adds to the shutdown, given the time left of the grace period. @publicApi */
export type ShutdownStep = (remainingMs: () => number) => Promise<void>;

/**
 * The plugin side of the shutdown order. After readiness turned 503 and the listeners stopped
 * accepting, the bootstrap runs every `drain` step while HTTP and gRPC calls finish (queue
 * consumers stop and their handlers end), then every `flush` step (the outbox publishes what
 * those calls and handlers committed), and only then closes the app, plugins last. Nest's own
 * hooks cannot express this: `onModuleDestroy` runs before the HTTP server drains.
 * @publicApi
 */
@Injectable()
export class ShutdownSequence {
  private readonly drains: ShutdownStep[] = [];
  private readonly flushes: ShutdownStep[] = [];

  /** Runs while in-flight calls drain: stop taking new work, wait for the work in progress. */
  onDrain(step: ShutdownStep): void {
    this.drains.push(step);
  }

  /** Runs once every call and handler ended: hand over what they committed. */
  onFlush(step: ShutdownStep): void {
    this.flushes.push(step);
  }

  /** @internal */
  async drain(remainingMs: () => number): Promise<void> {
    await Promise.allSettled(this.drains.map((step) => step(remainingMs)));
  }

  /** @internal */
  async flush(remainingMs: () => number): Promise<void> {
    await Promise.allSettled(this.flushes.map((step) => step(remainingMs)));
  }
}
