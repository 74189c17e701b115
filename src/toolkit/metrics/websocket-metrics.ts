import { Counter, Registry } from 'prom-client';
import { registeredCounter, sourcedGauge } from './registered-metrics';

type SocketLabel = 'socket';

/** Counters of one WebSocket owner, bound to its `socket` label once (no label lookup per frame). */
interface BoundCounter {
  inc(value?: number): void;
}

/**
 * WebSocket metrics of one owner of sockets (a realtime hub, the gateway's proxy sockets), told
 * apart by the `socket` label: open connections (read at scrape time), frames received and sent,
 * and clients closed because they did not read what was sent to them.
 * @publicApi
 */
export class WebSocketMetrics {
  private readonly received: BoundCounter;
  private readonly sent: BoundCounter;
  private readonly slowDrops: BoundCounter;

  constructor(
    private readonly registry: Registry,
    private readonly socket: string,
  ) {
    const counter = (name: string, help: string): Counter<SocketLabel> =>
      registeredCounter(registry, { name, help, labelNames: ['socket'] });
    const labels = { socket };
    this.received = counter(
      'toolkit_websocket_frames_received_total',
      'WebSocket frames received from clients',
    ).labels(labels);
    this.sent = counter(
      'toolkit_websocket_frames_sent_total',
      'WebSocket frames sent to clients',
    ).labels(labels);
    this.slowDrops = counter(
      'toolkit_websocket_slow_consumer_drops_total',
      'WebSocket clients closed (1013) because their send buffer stayed over its limit',
    ).labels(labels);
  }

  frameReceived(): void {
    this.received.inc();
  }

  frameSent(): void {
    this.sent.inc();
  }

  slowConsumerDropped(): void {
    this.slowDrops.inc();
  }

  /** Reports `count()` as the open connections of this owner; returns the unregistration. */
  watchConnections(count: () => number): () => void {
    return sourcedGauge<SocketLabel>(
      this.registry,
      'toolkit_websocket_connections',
      'Open WebSocket connections',
      ['socket'],
    ).addSource(() => [{ labels: { socket: this.socket }, value: count() }]);
  }
}
