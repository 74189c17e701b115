import type {
  handleServerStreamingCall,
  Server,
  ServerWritableStream,
  UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { HealthImplementation, ServingStatus } from 'grpc-health-check';
import { HealthState } from './health';

/**
 * How often the plugin checks re-run while the server is up, to keep Check answers and Watch
 * streams current (Check answers from the last round instead of running the checks per call).
 */
const READINESS_POLL_MS = 1000;

type WatchCall = ServerWritableStream<unknown, unknown>;
type WatchHandler = handleServerStreamingCall<unknown, unknown>;

/**
 * grpc.health.v1.Health, served by grpc-health-check, for `""` (the whole server) and the
 * service's full name: SERVING while the app is ready (every required plugin check passes; a
 * failing optional plugin leaves it SERVING), NOT_SERVING otherwise and from the moment shutdown
 * begins; other names are NOT_FOUND (Check) or SERVICE_UNKNOWN (Watch). Watch streams get each
 * change as it is seen, and end when the server drains, so that an open Watch does not hold the
 * drain until the grace period cuts it.
 * @internal
 */
export class GrpcHealthService {
  private readonly implementation: HealthImplementation;
  private readonly watches = new Set<WatchCall>();
  private status: ServingStatus = 'NOT_SERVING';
  private stopPolling?: () => void;

  constructor(
    private readonly serviceFullName: string,
    private readonly health: HealthState,
  ) {
    this.implementation = new HealthImplementation({
      '': this.status,
      [serviceFullName]: this.status,
    });
  }

  addToServer(server: Pick<Server, 'addService'>): void {
    this.implementation.addToServer({
      addService: (definition, handlers: UntypedServiceImplementation) =>
        server.addService(definition, {
          ...handlers,
          watch: this.tracked(handlers.watch as WatchHandler),
        }),
    });
  }

  /** Resolves once the first verdict is published; every change follows until `close`. */
  start(): Promise<void> {
    return new Promise((resolve) => {
      this.stopPolling = this.health.watchReadiness((ready) => {
        this.publish(ready ? 'SERVING' : 'NOT_SERVING');
        resolve();
      }, READINESS_POLL_MS);
    });
  }

  /** Stops polling, reports NOT_SERVING and ends every open Watch stream (status OK). */
  close(): void {
    this.stopPolling?.();
    this.publish('NOT_SERVING');
    for (const call of this.watches) call.end();
    this.watches.clear();
  }

  /** grpc-health-check writes every setStatus to the watchers, repeated or not. */
  private publish(status: ServingStatus): void {
    if (status === this.status) return;
    this.status = status;
    this.implementation.setStatus('', status);
    this.implementation.setStatus(this.serviceFullName, status);
  }

  private tracked(watch: WatchHandler): WatchHandler {
    return (call) => {
      this.watches.add(call);
      call.on('cancelled', () => this.watches.delete(call));
      watch(call);
    };
  }
}
