import type { Server } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { Server as NetServer, Socket } from 'node:net';

/** A socket idle this long when the drain looks at it is closed; a busy client reuses it sooner. */
const IDLE_BEFORE_CLOSE_MS = 100;
const SWEEP_INTERVAL_MS = 25;

/** Drains one HTTP server without resetting a request it accepted. @internal */
export interface HttpDrain {
  /** Stops accepting, then resolves once every HTTP connection ended (upgraded ones excepted). */
  drain(): Promise<void>;
}

/**
 * Tracks the server's connections so that the shutdown can close keep-alive sockets between
 * requests instead of under one. Node's `server.close()` closes every idle socket at once, and a
 * client that is just sending its next request on one gets a reset. Here the listener stops
 * accepting, a socket in use answers its current request with `connection: close` (the HTTP
 * plumbing adds it while shutting down) and ends, and a socket that stayed idle is ended with a
 * FIN once it has been idle a little while (a client about to reuse it would have by then).
 * @internal
 */
export function trackHttpConnections(server: Server): HttpDrain {
  const idleSince = new Map<Socket, number>();
  const busy = new Map<Socket, number>();
  server.on('connection', (socket: Socket) => {
    idleSince.set(socket, Date.now());
    socket.once('close', () => {
      idleSince.delete(socket);
      busy.delete(socket);
    });
  });
  // An upgraded socket (WebSocket) is no HTTP connection any more: its owner closes it with the
  // app, after the drain, so the drain must not wait for it.
  server.on('upgrade', (request: { socket: Socket }) => {
    idleSince.delete(request.socket);
    busy.delete(request.socket);
  });
  server.on('request', (request, response) => {
    const { socket } = request;
    busy.set(socket, (busy.get(socket) ?? 0) + 1);
    response.once('close', () => {
      const left = (busy.get(socket) ?? 1) - 1;
      if (left > 0) busy.set(socket, left);
      else busy.delete(socket);
      // A client that went away mid-request: the socket's own 'close' came first, and a closed
      // socket must not be waited for again.
      if (!socket.destroyed) idleSince.set(socket, Date.now());
    });
  });
  return {
    drain: () =>
      new Promise<void>((resolve) => {
        if (!server.listening) return resolve();
        // net.Server's close stops the listener without http.Server's closing of idle sockets.
        NetServer.prototype.close.call(server);
        const sweep = setInterval(() => {
          const now = Date.now();
          for (const [socket, since] of idleSince) {
            if (!busy.has(socket) && now - since >= IDLE_BEFORE_CLOSE_MS) socket.end();
          }
          if (idleSince.size === 0) {
            clearInterval(sweep);
            resolve();
          }
        }, SWEEP_INTERVAL_MS);
      }),
  };
}

/**
 * While `isShuttingDown()`, every answer carries `connection: close`, so that keep-alive clients
 * leave after it instead of holding the drain.
 * @internal
 */
export function closeConnectionsWhile(
  fastify: FastifyInstance,
  isShuttingDown: () => boolean,
): void {
  fastify.addHook('onSend', (_request, reply, payload, done) => {
    if (isShuttingDown()) reply.header('connection', 'close');
    done(null, payload);
  });
}
