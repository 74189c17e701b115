import { QueuePlugin } from './queue.types';

/** What the plugin's lifecycle needs from a backend (RabbitMQ or in-process). */
export interface QueueBackend extends QueuePlugin {
  /** Readiness: resolves while the broker is reachable. */
  check(): Promise<void>;
  /** Cancels consumers and waits for running handlers. */
  stopConsuming(): Promise<void>;
  /** Releases connections; publishing is no longer possible. */
  close(): Promise<void>;
}
