import { Registry } from 'prom-client';
import { MetricReading, sourcedCounter, sourcedGauge } from './registered-metrics';

type SocketLabel = 'socket';

/**
 * WebSocket metrics of one owner of sockets (a realtime hub, the gateway's proxy sockets), told
 * apart by the `socket` label: open connections, frames received and sent, and clients closed
 * because they did not read what was sent to them. A frame costs one addition here (a fan-out
 * sends one per subscriber); the totals are read when Prometheus scrapes.
 * @publicApi
 */
export class WebSocketMetrics {
  private received = 0;
  private sent = 0;
  private slowDrops = 0;

  constructor(
    private readonly registry: Registry,
    private readonly socket: string,
  ) {
    const total = (read: () => number) => (): MetricReading<SocketLabel>[] => [
      { labels: { socket }, value: read() },
    ];
    const counter = (name: string, help: string, read: () => number) =>
      sourcedCounter<SocketLabel>(registry, name, help, ['socket']).addSource(total(read));
    counter(
      'toolkit_websocket_frames_received_total',
      'WebSocket frames received from clients',
      () => this.received,
    );
    counter(
      'toolkit_websocket_frames_sent_total',
      'WebSocket frames sent to clients',
      () => this.sent,
    );
    counter(
      'toolkit_websocket_slow_consumer_drops_total',
      'WebSocket clients closed (1013) because their send buffer stayed over its limit',
      () => this.slowDrops,
    );
  }

  frameReceived(): void {
    this.received += 1;
  }

  frameSent(): void {
    this.sent += 1;
  }

  slowConsumerDropped(): void {
    this.slowDrops += 1;
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
