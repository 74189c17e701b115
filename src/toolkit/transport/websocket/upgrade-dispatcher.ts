import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { ToolkitError } from '../../errors';
import { UpgradeRoute } from './upgrade-route';
import { rejectUpgradeWithError } from './upgrade-response';
import { UpgradeRequest } from './websocket.types';

/** A registered upgrade route and what serves it (a realtime hub, the gateway's sockets). @publicApi */
export interface UpgradeTarget {
  readonly template: UpgradeRoute;
  serve(request: UpgradeRequest, socket: Duplex, head: Buffer): Promise<void>;
}

const dispatchers = new WeakMap<Server, UpgradeDispatcher>();

/**
 * The single `upgrade` listener of one HTTP server. Every upgrade host of the app (realtime
 * instances, the gateway's sockets) adds its routes here, so a path nobody serves is answered 404
 * exactly once (several listeners would each have to guess whether another one wants the socket).
 * @publicApi
 */
export class UpgradeDispatcher {
  private readonly targets: UpgradeTarget[] = [];

  private constructor(server: Server) {
    server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) =>
      this.dispatch(request, socket, head),
    );
  }

  /** The dispatcher of `server`, attached on first use. */
  static of(server: Server): UpgradeDispatcher {
    let dispatcher = dispatchers.get(server);
    if (!dispatcher) {
      dispatcher = new UpgradeDispatcher(server);
      dispatchers.set(server, dispatcher);
    }
    return dispatcher;
  }

  add(target: UpgradeTarget): void {
    const clash = this.targets.find((other) => other.template.shape === target.template.shape);
    if (clash) {
      throw new Error(
        `WebSocket route ${target.template.template} clashes with ${clash.template.template}`,
      );
    }
    this.targets.push(target);
  }

  remove(target: UpgradeTarget): void {
    const index = this.targets.indexOf(target);
    if (index >= 0) this.targets.splice(index, 1);
  }

  private dispatch(raw: IncomingMessage, socket: Duplex, head: Buffer): void {
    // Until ws owns the socket, a reset by the client must not become an uncaught error.
    socket.on('error', () => socket.destroy());
    const url = new URL(raw.url ?? '/', 'http://upgrade.invalid');
    if ((raw.headers.upgrade ?? '').toLowerCase() !== 'websocket') {
      rejectUpgradeWithError(socket, ToolkitError.invalidArgument('not a WebSocket upgrade'));
      return;
    }
    for (const target of this.targets) {
      const match = target.template.match(url.pathname);
      if (!match) continue;
      if ('invalid' in match) {
        rejectUpgradeWithError(socket, ToolkitError.invalidArgument(match.invalid));
        return;
      }
      const request: UpgradeRequest = {
        route: target.template.template,
        path: url.pathname,
        params: match.params,
        query: url.searchParams,
        headers: raw.headers,
        raw,
      };
      target.serve(request, socket, head).catch(() => socket.destroy());
      return;
    }
    rejectUpgradeWithError(socket, ToolkitError.notFound(`no WebSocket route for ${url.pathname}`));
  }
}
