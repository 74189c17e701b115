import { randomUUID } from 'node:crypto';
import WebSocket, { RawData } from 'ws';
import type { WebSocketMetrics } from '../../../toolkit/metrics';
import { parseFrame } from '../../../toolkit/transport/websocket/frames';
import { errorFrame, errorFrameFrom } from '../realtime.errors';
import {
  FrameHandler,
  RealtimeConnection,
  RealtimeFrame,
  UpgradeAcceptance,
  UpgradeRequest,
} from '../realtime.types';

/** WebSocket close codes the hub uses (RFC 6455 §7.4.1). */
export const CloseCode = {
  NORMAL: 1000,
  GOING_AWAY: 1001,
  MESSAGE_TOO_BIG: 1009,
  INTERNAL_ERROR: 1011,
  TRY_AGAIN_LATER: 1013,
} as const;

/** What a connection needs from its hub. */
export interface ConnectionLimits {
  /** Bytes queued for the client above which it is closed as too slow. */
  sendBufferLimit: number;
  /** A closing socket still open after this long is destroyed. */
  closeTimeoutMs: number;
}

/** The hub's side of one accepted WebSocket. */
export class HubConnection implements RealtimeConnection {
  readonly id = randomUUID();
  readonly channels = new Set<string>();
  /** Cleared before each ping, set by the pong; still cleared at the next ping → reaped. */
  alive = true;
  private closing = false;
  private readonly handlers = new Map<string, FrameHandler>();
  /** Incoming frames are handled one after the other, after `onConnection`. */
  private dispatchQueue: Promise<void> = Promise.resolve();

  constructor(
    private readonly socket: WebSocket,
    readonly request: UpgradeRequest,
    readonly context: unknown,
    private readonly limits: ConnectionLimits,
    private readonly onSlow: (connection: HubConnection, bufferedBytes: number) => void,
    private readonly metrics?: WebSocketMetrics,
  ) {
    socket.on('pong', () => (this.alive = true));
    socket.on('message', (data, isBinary) => this.receive(data, isBinary));
  }

  get open(): boolean {
    return !this.closing && this.socket.readyState === WebSocket.OPEN;
  }

  send(frame: RealtimeFrame): boolean {
    return this.sendText(JSON.stringify(frame));
  }

  /** Sends an already serialised frame (fan-out serialises once for all subscribers). */
  sendText(text: string): boolean {
    if (!this.open) return false;
    this.socket.send(text);
    this.metrics?.frameSent();
    const buffered = this.socket.bufferedAmount;
    if (buffered > this.limits.sendBufferLimit) {
      this.close(CloseCode.TRY_AGAIN_LATER, 'send buffer limit exceeded');
      this.onSlow(this, buffered);
      return false;
    }
    return true;
  }

  onFrame(type: string, handler: FrameHandler): void {
    this.handlers.set(type, handler);
  }

  close(code: number = CloseCode.NORMAL, reason = ''): void {
    if (this.closing) return;
    this.closing = true;
    this.socket.close(code, reason);
    // A client that never reads would keep the close frame (and the socket) queued forever.
    const timer = setTimeout(() => this.socket.terminate(), this.limits.closeTimeoutMs);
    this.socket.once('close', () => clearTimeout(timer));
  }

  /** Calls `listener` once the socket is closed (at once if it already is). */
  onClosed(listener: () => void): void {
    if (this.socket.readyState === WebSocket.CLOSED) listener();
    else this.socket.once('close', () => listener());
  }

  /** Destroys the socket without a close handshake (dead peer). */
  terminate(): void {
    this.closing = true;
    this.socket.terminate();
  }

  ping(): void {
    this.alive = false;
    this.socket.ping();
  }

  /** Runs the acceptance's `onConnection` before any incoming frame is dispatched. */
  start(acceptance: UpgradeAcceptance): void {
    const onConnection = acceptance.onConnection;
    if (!onConnection) return;
    this.enqueue(async () => {
      try {
        await onConnection(this);
      } catch (error) {
        this.send(errorFrameFrom(error));
        this.close(CloseCode.INTERNAL_ERROR, 'connection set-up failed');
      }
    });
  }

  private receive(data: RawData, isBinary: boolean): void {
    this.alive = true;
    this.metrics?.frameReceived();
    const frame = parseFrame(data, isBinary);
    this.enqueue(async () => {
      if ('error' in frame) {
        this.send(errorFrame('INVALID_ARGUMENT', frame.error));
        return;
      }
      const handler = this.handlers.get(frame.type);
      if (!handler) {
        this.send(errorFrame('UNIMPLEMENTED', `unknown frame type "${frame.type}"`));
        return;
      }
      try {
        await handler(frame.payload, this);
      } catch (error) {
        this.send(errorFrameFrom(error));
      }
    });
  }

  private enqueue(task: () => Promise<void>): void {
    this.dispatchQueue = this.dispatchQueue.then(() => (this.open ? task() : undefined));
  }
}
