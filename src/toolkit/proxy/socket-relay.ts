import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import WebSocket, { WebSocketServer } from 'ws';
import { MethodDescriptor } from '../descriptor';
import { ToolkitError } from '../errors';
import {
  BoundedSender,
  MAX_QUEUED_FRAMES,
  ReadValve,
  SendBound,
  SOCKET_CLOSE,
} from './socket-policy';

/** Where and how a relayed socket reaches its backend. @internal */
export interface RelayTarget {
  /** `ws://host:port/path?query` of the backend's socket. */
  url: string;
  /** Handshake headers for the backend (forwarded metadata, request id). */
  headers: Record<string, string>;
  handshakeTimeoutMs: number;
  /** Backend name, for errors. */
  service: string;
}

/** A backend that answered the upgrade with plain HTTP: the client gets the same answer. @internal */
export class UpstreamRefusal extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`upstream refused the upgrade with HTTP ${status}`);
  }
}

/** How a relay treats frames: the client's are admitted one by one, both ways are bounded. @internal */
export interface RelayFlow extends SendBound {
  /**
   * Runs before each client frame is forwarded, in arrival order (the method's middleware chain:
   * rate limit). A rejection closes both sockets: 1008 for a refusal, 1011 for anything else.
   */
  admitFrame(): Promise<void>;
  /** Called when a stalled reader gets both sockets closed with 1013 (counted as a slow drop). */
  onStalled?(): void;
  /** Called for each backend frame forwarded to the client (counted as a frame sent). */
  onFrameSent?(): void;
}

/** A client socket relayed to its backend socket. @internal */
export interface Relay {
  client: WebSocket;
  upstream: WebSocket;
  /** Closes both sockets with the same code and reason. */
  close(code: number, reason: string): void;
}

/**
 * Opens the backend socket first, so that its refusal (bad id 400, not a member 403, unknown room
 * 404) reaches the client as that HTTP answer; only then is the client's upgrade completed and the
 * two sockets relayed: frames both ways as they are (text stays text, binary stays binary), and a
 * close on either side closes the other with the same code and reason.
 *
 * Flow: client frames wait in order for `admitFrame` (at most `MAX_QUEUED_FRAMES` of them: past
 * that the client socket is not read); each direction's sender pauses its source while the
 * reader's send buffer is over `maxBufferedBytes`, and closes both with 1013 when the reader stays
 * over it for `stallTimeoutMs`. Per direction the gateway so holds at most `maxBufferedBytes` plus
 * the frames in flight (`MAX_QUEUED_FRAMES` of at most `maxPayload` bytes from the client; one
 * read chunk from the backend).
 * @internal
 */
export async function relaySocket(
  server: WebSocketServer,
  raw: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  target: RelayTarget,
  flow: RelayFlow,
): Promise<Relay> {
  const early: { data: WebSocket.RawData; isBinary: boolean }[] = [];
  const hold = (data: WebSocket.RawData, isBinary: boolean) => early.push({ data, isBinary });
  const upstream = await connectUpstream(target, hold);
  return new Promise((resolve) => {
    server.handleUpgrade(raw, socket, head, (client) => {
      const close = (code: number, reason: string) => {
        closeWith(client, code, Buffer.from(reason));
        closeWith(upstream, code, Buffer.from(reason));
      };
      const stalled = () => {
        flow.onStalled?.();
        close(SOCKET_CLOSE.tryAgainLater, 'reader too slow');
      };
      const clientValve = new ReadValve(client);
      const upstreamValve = new ReadValve(upstream);
      const toClient = new BoundedSender(client, upstreamValve, flow, stalled);
      const toUpstream = new BoundedSender(upstream, clientValve, flow, stalled);
      const forward = (data: WebSocket.RawData, isBinary: boolean) => {
        toClient.send(data, isBinary);
        flow.onFrameSent?.();
      };
      upstream.off('message', hold);
      for (const frame of early) forward(frame.data, frame.isBinary);
      let queued = 0;
      let turn = Promise.resolve();
      client.on('message', (data, isBinary) => {
        queued += 1;
        if (queued >= MAX_QUEUED_FRAMES) clientValve.hold('queued');
        turn = turn
          .then(() => flow.admitFrame())
          .then(
            () => toUpstream.send(data, isBinary),
            (error: unknown) => {
              const refused = error instanceof ToolkitError;
              close(
                refused ? SOCKET_CLOSE.policyViolation : SOCKET_CLOSE.internalError,
                refused ? error.message : 'internal error',
              );
            },
          )
          .finally(() => {
            queued -= 1;
            if (queued < MAX_QUEUED_FRAMES) clientValve.release('queued');
          });
      });
      upstream.on('message', forward);
      client.on('close', (code, reason) => closeWith(upstream, code, reason));
      upstream.on('close', (code, reason) => closeWith(client, code, reason));
      client.on('error', () => upstream.terminate());
      upstream.on('error', () => client.terminate());
      resolve({ client, upstream, close });
    });
  });
}

/**
 * `hold` is attached before anything else runs: the backend may speak first (a join
 * acknowledgement), and ws can emit that frame before a promise continuation would attach it.
 */
function connectUpstream(
  target: RelayTarget,
  hold: (data: WebSocket.RawData, isBinary: boolean) => void,
): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const upstream = new WebSocket(target.url, {
      headers: target.headers,
      handshakeTimeout: target.handshakeTimeoutMs,
    });
    upstream.on('message', hold);
    upstream.once('open', () => resolve(upstream));
    upstream.once('unexpected-response', (_request, response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        upstream.terminate();
        reject(new UpstreamRefusal(response.statusCode ?? 502, parseBody(Buffer.concat(chunks))));
      });
    });
    upstream.once('error', (error) => {
      reject(ToolkitError.unavailable(`${target.service} unavailable`, { cause: error }));
    });
  });
}

function parseBody(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString()) as unknown;
  } catch {
    return { message: body.toString() };
  }
}

/** 1005 (no code), 1006 (abnormal) and 1015 (TLS) are observed, never sent: send none for them. */
function closeWith(socket: WebSocket, code: number, reason: Buffer): void {
  if (socket.readyState === WebSocket.CLOSED || socket.readyState === WebSocket.CLOSING) return;
  // A socket paused for backpressure must still read the peer's close frame.
  if (socket.isPaused) socket.resume();
  if (code === 1005 || code === 1006 || code === 1015) socket.close();
  else socket.close(code, reason);
}

/**
 * The backend URL of a relayed method: the backend method's own path template (it must be a
 * `websocket: true` method with an HTTP binding) filled from the gateway path's parameters.
 * @internal
 */
export function backendSocketPath(
  backend: MethodDescriptor,
  params: Readonly<Record<string, string>>,
): string {
  if (!backend.websocket || !backend.http) {
    throw new Error(`${backend.grpcPath} is not a WebSocket method; it cannot be relayed`);
  }
  return backend.http.path.replace(/\{([^}=]+)(=[^}]*)?\}/g, (_match, field: string) => {
    const value = params[field];
    if (value === undefined) throw new Error(`${backend.grpcPath}: no value for {${field}}`);
    return encodeURIComponent(value);
  });
}
