import type { Server } from 'node:http';
import { Server as NetServer, Socket } from 'node:net';

/** A socket idle this long when the drain looks at it is closed; a busy client reuses it sooner. */
const IDLE_BEFORE_CLOSE_MS = 100;
const SWEEP_INTERVAL_MS = 25;

/** Drains one HTTP server without resetting a request it accepted. @internal */
export interface HttpDrain {
  /** Stops accepting, then resolves once every connection ended (see {@link trackHttpConnections}). */
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
  server.on('request', (request, response) => {
    const { socket } = request;
    busy.set(socket, (busy.get(socket) ?? 0) + 1);
    response.once('close', () => {
      const left = (busy.get(socket) ?? 1) - 1;
      if (left > 0) busy.set(socket, left);
      else busy.delete(socket);
      idleSince.set(socket, Date.now());
    });
  });
  return {
    drain: () =>
      new Promise<void>((resolve) => {
        if (!server.listening) return resolve();
        const sweep = setInterval(() => {
          const now = Date.now();
          for (const [socket, since] of idleSince) {
            if (!busy.has(socket) && now - since >= IDLE_BEFORE_CLOSE_MS) socket.end();
          }
        }, SWEEP_INTERVAL_MS);
        // net.Server's close stops the listener without http.Server's closing of idle sockets;
        // its callback runs once every connection has ended.
        NetServer.prototype.close.call(server, () => {
          clearInterval(sweep);
          resolve();
        });
      }),
  };
}
