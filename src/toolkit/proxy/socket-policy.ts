import type { LoggerService } from '@nestjs/common';
import WebSocket from 'ws';
import { InvalidTokenError } from '../auth/invalid-token.error';
import type { TokenWatch } from '../auth/caller-authenticator';

/** WebSocket close codes the gateway sends on its own account (RFC 6455 §7.4.1). @publicApi */
export const SOCKET_CLOSE = {
  /** Idle timeout, or the gateway shutting down. */
  goingAway: 1001,
  /** Token expired or revoked, frame over the rate limit. */
  policyViolation: 1008,
  internalError: 1011,
  /** A reader too slow for its send buffer, or the deny-list unreadable: try again later. */
  tryAgainLater: 1013,
} as const;

/**
 * Frames of one client that may wait for their turn (rate limit check, backend call) before the
 * gateway stops reading that client's socket: with frames of at most `maxPayload` bytes, what one
 * client can queue is bounded by `MAX_QUEUED_FRAMES * maxPayload`.
 * @internal
 */
export const MAX_QUEUED_FRAMES = 16;

/**
 * Stops reading a socket while any reason holds it (frames queued, the other side's send buffer
 * full), and resumes once none does: ws' `pause()` stops reading the TCP socket, so the peer sees
 * TCP backpressure instead of the gateway buffering for it.
 * @internal
 */
export class ReadValve {
  private readonly reasons = new Set<string>();

  constructor(private readonly socket: WebSocket) {}

  hold(reason: string): void {
    this.reasons.add(reason);
    if (!this.socket.isPaused) this.socket.pause();
  }

  release(reason: string): void {
    if (!this.reasons.delete(reason) || this.reasons.size > 0) return;
    if (this.socket.isPaused && this.socket.readyState === WebSocket.OPEN) this.socket.resume();
  }
}

/** How much one socket may hold for a slow reader, and for how long. @internal */
export interface SendBound {
  /** Bytes queued on the reader's socket (ws `bufferedAmount`) before its source is paused. */
  maxBufferedBytes: number;
  /** How long the reader may stay over the bound before the socket closes with 1013. */
  stallTimeoutMs: number;
}

/**
 * Sends to `reader`, pausing `source` (through its valve) while `reader`'s send buffer is over the
 * bound and resuming when it drains; a reader that stays over the bound for the stall timeout is
 * closed with 1013 (`onStall`). So a paused or slow reader costs the gateway at most the bound plus
 * the frames already in flight, never more.
 * @internal
 */
export class BoundedSender {
  private stall: NodeJS.Timeout | undefined;

  constructor(
    private readonly reader: WebSocket,
    private readonly source: ReadValve,
    private readonly bound: SendBound,
    private readonly onStall: () => void,
  ) {
    reader.once('close', () => this.clear());
  }

  send(data: WebSocket.RawData | string, isBinary = false): void {
    if (this.reader.readyState !== WebSocket.OPEN) return;
    this.reader.send(data, { binary: isBinary }, () => this.drained());
    if (this.reader.bufferedAmount > this.bound.maxBufferedBytes) {
      this.source.hold('reader-full');
      this.stall ??= setTimeout(() => {
        this.stall = undefined;
        if (this.reader.bufferedAmount > this.bound.maxBufferedBytes) this.onStall();
      }, this.bound.stallTimeoutMs);
      this.stall.unref();
    }
  }

  private drained(): void {
    if (this.reader.bufferedAmount > this.bound.maxBufferedBytes / 2) return;
    this.clear();
    this.source.release('reader-full');
  }

  private clear(): void {
    if (this.stall !== undefined) clearTimeout(this.stall);
    this.stall = undefined;
  }
}

/** Liveness settings of every gateway socket. @internal */
export interface KeepAliveOptions {
  /** Ping interval; a client that has not answered the previous ping is dropped. 0: no pings. */
  pingIntervalMs: number;
  /** Close (1001) after this long without a data frame either way. 0: never. */
  idleTimeoutMs: number;
}

/**
 * Pings the client and drops it when a ping goes unanswered for a whole interval (a dead peer
 * would otherwise hold its slot of the connection cap forever); closes idle sockets.
 * `touch()` marks data activity.
 * @internal
 */
export function keepAlive(socket: WebSocket, options: KeepAliveOptions): { touch(): void } {
  let answered = true;
  let lastActivity = Date.now();
  const timers: NodeJS.Timeout[] = [];
  if (options.pingIntervalMs > 0) {
    socket.on('pong', () => (answered = true));
    timers.push(
      setInterval(() => {
        if (!answered) {
          socket.terminate();
          return;
        }
        answered = false;
        socket.ping();
      }, options.pingIntervalMs),
    );
  }
  if (options.idleTimeoutMs > 0) {
    timers.push(
      setInterval(
        () => {
          if (Date.now() - lastActivity >= options.idleTimeoutMs) {
            socket.close(SOCKET_CLOSE.goingAway, 'idle timeout');
          }
        },
        Math.max(50, Math.min(options.idleTimeoutMs / 4, 5_000)),
      ),
    );
  }
  for (const timer of timers) timer.unref();
  socket.once('close', () => timers.forEach((timer) => clearInterval(timer)));
  return { touch: () => (lastActivity = Date.now()) };
}

/** setTimeout's ceiling (about 24.8 days); longer deadlines are re-armed. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Holds an open socket to its token: closes it with 1008 at the moment the token stops being
 * accepted (a timer at `exp` plus clock tolerance) and when the deny-list says it was revoked
 * (re-read every `recheckIntervalMs`); 1013 when the deny-list cannot be read, since a socket
 * must not outlive a revocation it cannot see (fail closed, as on every route).
 * @internal
 */
export function holdToToken(
  close: (code: number, reason: string) => void,
  socket: WebSocket,
  watch: TokenWatch,
  recheckIntervalMs: number,
  logger: LoggerService,
): void {
  let expiry: NodeJS.Timeout | undefined;
  const arm = () => {
    const remaining = watch.acceptedUntil - Date.now();
    if (remaining <= 0) {
      close(SOCKET_CLOSE.policyViolation, 'token expired');
      return;
    }
    expiry = setTimeout(arm, Math.min(remaining, MAX_TIMER_MS));
    expiry.unref();
  };
  arm();
  let checking = false;
  const recheck = setInterval(() => {
    if (checking) return;
    checking = true;
    watch
      .recheck()
      .catch((error: unknown) => {
        if (error instanceof InvalidTokenError) {
          close(SOCKET_CLOSE.policyViolation, error.message);
          return;
        }
        logger.warn?.(
          `closing a socket: token deny-list unreadable (${error instanceof Error ? error.message : String(error)})`,
        );
        close(SOCKET_CLOSE.tryAgainLater, 'token revocation list unavailable');
      })
      .finally(() => (checking = false));
  }, recheckIntervalMs);
  recheck.unref();
  socket.once('close', () => {
    clearInterval(recheck);
    if (expiry !== undefined) clearTimeout(expiry);
  });
}
