import type { ExecutionContext } from '@nestjs/common';
import { toolkitParamDecorator } from '../pipeline/handler-arguments';
import type { RealtimeConnection, UpgradeRequest } from '../../plugins/realtime/realtime.types';

/** Runs once the WebSocket of an accepted upgrade is open. @publicApi */
export type WebSocketOpenHandler = (connection: RealtimeConnection) => void | Promise<void>;

/**
 * The WebSocket upgrade a `(toolkit.route).websocket` method is handling, given to its handler
 * through `@SocketUpgrade()`. The handler runs BEFORE the handshake, with the request message
 * already transcoded from path and query and validated, and the method's middlewares (auth...)
 * passed: throwing refuses the upgrade with the error's HTTP status and the toolkit error body;
 * returning accepts it, and the handlers given to `onOpen` then run, in order, on the open
 * connection (subscribe it to channels, register `onFrame` handlers, send the first frame).
 * @publicApi
 */
export interface WebSocketUpgrade {
  /** The upgrade request as the realtime plugin routed it (path params, query, headers, raw). */
  readonly request: UpgradeRequest;
  /** The request id of the upgrade (the caller's `x-request-id` when sane, else a new one). */
  readonly requestId: string;
  /** Runs `handler` once the WebSocket is open; if it rejects, the connection is closed (1011). */
  onOpen(handler: WebSocketOpenHandler): void;
}

/** Property of the stand-in HTTP request of an upgrade that carries its `WebSocketUpgrade`. @internal */
export const WEBSOCKET_UPGRADE = Symbol('toolkit:websocket-upgrade');

/**
 * Handler parameter: the `WebSocketUpgrade` when the method is called for a WebSocket upgrade,
 * undefined when it is called as a gRPC unary call (the same controller method serves both).
 * @publicApi
 */
export const SocketUpgrade = toolkitParamDecorator(
  'upgrade',
  (_data: unknown, context: ExecutionContext): WebSocketUpgrade | undefined => {
    if (context.getType() !== 'http') return undefined;
    const request: unknown = context.switchToHttp().getRequest();
    if (typeof request !== 'object' || request === null || !(WEBSOCKET_UPGRADE in request))
      return undefined;
    return request[WEBSOCKET_UPGRADE] as WebSocketUpgrade;
  },
);
