import {
  BeforeApplicationShutdown,
  OnApplicationBootstrap,
  OnApplicationShutdown,
  OnModuleInit,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { ToolkitLogger } from '../../../toolkit/runtime/toolkit-logger';
import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import WebSocket, { WebSocketServer } from 'ws';
import { ToolkitError } from '../../../toolkit/errors';
import type { WebSocketMetrics } from '../../../toolkit/metrics';
import { OriginAllowList, originAllowList } from '../../../toolkit/transport/origin-allow-list';
import { PluginStatusRegistry } from '../../../toolkit/plugins';
import { deepFreeze } from '../../../toolkit/runtime/frozen-values';
import { FanoutBus } from '../fanout/fanout-bus';
import {
  RealtimeConnection,
  RealtimeFrame,
  RealtimePlugin,
  UpgradeAcceptance,
  UpgradeHandler,
  UpgradeRequest,
} from '../realtime.types';
import {
  compileUpgradeRoute,
  rejectUpgrade,
  rejectUpgradeWithError,
  UpgradeDispatcher,
  UpgradeTarget,
} from '../../../toolkit/transport/websocket';
import { ChannelStream } from './channel-stream';
import { CloseCode, HubConnection } from './hub-connection';

/** Frames a `stream()` reader may fall behind before it is ended. */
const DEFAULT_STREAM_LIMIT = 1000;

/** Connection-management settings of one hub (the parsed `<PREFIX>_REALTIME_*` values). */
export interface HubSettings {
  pingIntervalMs: number;
  maxPayload: number;
  sendBufferLimit: number;
  closeTimeoutMs: number;
  maxConnections: number;
  /** Empty: any origin. */
  allowedOrigins: readonly string[];
}

/**
 * The realtime plugin instance: owns the WebSocket connections of this process, their channel
 * memberships and heartbeats, serves the upgrade routes registered on it, and delivers what the
 * fan-out bus carries to local subscribers.
 */
export class RealtimeHub
  implements
    RealtimePlugin,
    OnModuleInit,
    OnApplicationBootstrap,
    BeforeApplicationShutdown,
    OnApplicationShutdown
{
  private readonly server: WebSocketServer;
  private readonly connections = new Set<HubConnection>();
  /** Sockets handed over whole (`onSocket`): their owner closes them, the hub at its shutdown. */
  private readonly sockets = new Set<WebSocket>();
  private readonly members = new Map<string, Set<HubConnection>>();
  private readonly streams = new Map<string, Set<ChannelStream>>();
  private readonly routes: UpgradeTarget[] = [];
  private readonly allowedOrigins: OriginAllowList;
  private dispatcher: UpgradeDispatcher | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private accepting = true;

  constructor(
    private readonly prefix: string,
    private readonly settings: HubSettings,
    private readonly bus: FanoutBus,
    private readonly statusRegistry: PluginStatusRegistry,
    private readonly httpAdapterHost: HttpAdapterHost,
    /** The app's logger, with the instance as its context. */
    private readonly logger: ToolkitLogger,
    private readonly metrics?: WebSocketMetrics,
  ) {
    metrics?.watchConnections(() => this.connections.size);
    this.allowedOrigins = originAllowList(settings.allowedOrigins, { emptyAllowsAny: true });
    this.server = new WebSocketServer({
      noServer: true,
      clientTracking: false,
      maxPayload: settings.maxPayload,
      perMessageDeflate: false,
    });
  }

  async onModuleInit(): Promise<void> {
    this.statusRegistry.register({
      prefix: this.prefix,
      kind: 'centrifuge',
      backend: this.bus.backend,
      embedded: this.bus.embedded,
      check: () => this.bus.check(),
    });
    try {
      await this.bus.start((channel, frameJson) => this.deliver(channel, frameJson));
    } catch (error) {
      // Start anyway: readiness reports the outage and the connections recover on their own.
      this.logger.warn(
        `${error instanceof Error ? error.message : String(error)}; starting unready`,
      );
    }
    this.heartbeat = setInterval(() => this.beat(), this.settings.pingIntervalMs);
    this.heartbeat.unref();
  }

  onApplicationBootstrap(): void {
    const server: Server | undefined = this.httpAdapterHost.httpAdapter?.getHttpServer();
    if (!server) {
      this.logger.warn('no HTTP server in this application: WebSocket upgrades are not served');
      return;
    }
    this.dispatcher = UpgradeDispatcher.of(server);
    for (const route of this.routes) this.dispatcher.add(route);
    const origins = this.allowedOrigins.any ? 'any' : this.allowedOrigins.origins.join(', ');
    this.logger.log(
      `WebSocket hub on the HTTP server: fan-out ${this.bus.backend}, ` +
        `max ${this.settings.maxConnections} connections, origins ${origins}`,
    );
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.accepting = false;
    clearInterval(this.heartbeat);
    for (const route of this.routes) this.dispatcher?.remove(route);
    const closed = [...this.connections].map(
      (connection) => new Promise<void>((resolve) => connection.onClosed(resolve)),
    );
    for (const connection of this.connections) {
      connection.close(CloseCode.GOING_AWAY, 'server shutting down');
    }
    const socketsClosed = [...this.sockets].map(
      (socket) => new Promise<void>((resolve) => socket.once('close', () => resolve())),
    );
    for (const socket of this.sockets) socket.close(CloseCode.GOING_AWAY, 'server shutting down');
    await Promise.all([...closed, ...socketsClosed]);
    for (const streams of [...this.streams.values()])
      for (const stream of [...streams])
        stream.fail(ToolkitError.unavailable('server shutting down'));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.bus.close();
    this.server.close();
  }

  async publish(channel: string, frame: RealtimeFrame): Promise<void> {
    if (channel.length === 0) throw new Error('realtime channel must not be empty');
    await this.bus.publish(channel, JSON.stringify(frame));
  }

  subscribe(connection: RealtimeConnection, channel: string): void {
    const own = this.own(connection);
    if (!own || !own.open) return;
    let members = this.members.get(channel);
    if (!members) {
      members = new Set();
      this.members.set(channel, members);
    }
    members.add(own);
    own.channels.add(channel);
  }

  unsubscribe(connection: RealtimeConnection, channel: string): void {
    const own = this.own(connection);
    if (own) this.leave(own, channel);
  }

  registerUpgradeRoute(route: string, handler: UpgradeHandler): void {
    const target: UpgradeTarget = {
      template: compileUpgradeRoute(route),
      serve: (request, socket, head) => this.serve(request, socket, head, handler),
    };
    const clash = this.routes.find((other) => other.template.shape === target.template.shape);
    if (clash) throw new Error(`WebSocket route ${route} clashes with ${clash.template.template}`);
    this.dispatcher?.add(target);
    this.routes.push(target);
  }

  stream(channel: string, options: { limit?: number; signal?: AbortSignal } = {}): ChannelStream {
    if (channel.length === 0) throw new Error('realtime channel must not be empty');
    const stream = new ChannelStream(
      channel,
      options.limit ?? DEFAULT_STREAM_LIMIT,
      (left) => {
        const streams = this.streams.get(left.channel);
        streams?.delete(left);
        if (streams?.size === 0) this.streams.delete(left.channel);
      },
      options.signal,
    );
    let streams = this.streams.get(channel);
    if (!streams) {
      streams = new Set();
      this.streams.set(channel, streams);
    }
    streams.add(stream);
    return stream;
  }

  connectionCount(): number {
    return this.connections.size;
  }

  subscriberCount(channel: string): number {
    return (this.members.get(channel)?.size ?? 0) + (this.streams.get(channel)?.size ?? 0);
  }

  private deliver(channel: string, frameJson: string): void {
    const streams = this.streams.get(channel);
    if (streams) {
      // Parsed once for every stream of the channel, not once per stream; frozen because they
      // all share it.
      const frame = this.parseFrame(channel, frameJson);
      if (frame) for (const stream of streams) stream.deliver(frame);
    }
    const members = this.members.get(channel);
    if (!members) return;
    for (const connection of members) connection.sendText(frameJson);
  }

  /** The frame as `stream()` readers get it; undefined (logged) for text that is not JSON. */
  private parseFrame(channel: string, frameJson: string): Readonly<RealtimeFrame> | undefined {
    try {
      return deepFreeze(JSON.parse(frameJson) as RealtimeFrame);
    } catch (error) {
      this.logger.warn(
        `frame on ${channel} is not JSON, not streamed: ${error instanceof Error ? error.message : String(error)}`,
      );
      return undefined;
    }
  }

  private async serve(
    request: UpgradeRequest,
    socket: Duplex,
    head: Buffer,
    handler: UpgradeHandler,
  ): Promise<void> {
    const refusal = this.refusal(request);
    if (refusal) {
      rejectUpgradeWithError(socket, refusal);
      return;
    }
    let decision;
    try {
      decision = await handler(request);
    } catch (error) {
      this.logger.error(`upgrade handler of ${request.route} failed`, error);
      rejectUpgradeWithError(socket, ToolkitError.internal());
      return;
    }
    if (socket.destroyed) return;
    if (!decision.accept) {
      rejectUpgrade(socket, decision.status, decision.body, decision.headers);
      return;
    }
    if (!this.accepting) {
      rejectUpgradeWithError(socket, ToolkitError.unavailable('server shutting down'));
      return;
    }
    const onSocket = decision.onSocket;
    this.server.handleUpgrade(request.raw, socket, head, (socket) =>
      onSocket ? this.handOver(socket, onSocket) : this.adopt(socket, request, decision),
    );
  }

  /** Checks made before the route's handler runs. */
  private refusal(request: UpgradeRequest): ToolkitError | undefined {
    if (!this.accepting) return ToolkitError.unavailable('server shutting down');
    const origin = request.headers.origin;
    if (origin !== undefined && !this.allowedOrigins.allows(origin)) {
      return ToolkitError.permissionDenied(`origin ${origin} is not allowed`);
    }
    if (this.connections.size + this.sockets.size >= this.settings.maxConnections) {
      return ToolkitError.unavailable('connection limit reached');
    }
    return undefined;
  }

  private handOver(socket: WebSocket, onSocket: (socket: WebSocket) => void): void {
    socket.on('error', (error) => this.logger.debug(`stream socket: ${error.message}`));
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    onSocket(socket);
  }

  private adopt(socket: WebSocket, request: UpgradeRequest, acceptance: UpgradeAcceptance): void {
    const connection = new HubConnection(
      socket,
      request,
      acceptance.context,
      {
        sendBufferLimit: this.settings.sendBufferLimit,
        closeTimeoutMs: this.settings.closeTimeoutMs,
      },
      (slow, buffered) => {
        // It gets nothing more, so it stops counting as a subscriber right away.
        for (const channel of [...slow.channels]) this.leave(slow, channel);
        this.metrics?.slowConsumerDropped();
        this.logger.warn(
          `closed slow client ${slow.id} on ${request.route} (1013): ${buffered} bytes queued, ` +
            `limit ${this.settings.sendBufferLimit}`,
        );
      },
      this.metrics,
    );
    socket.on('error', (error) =>
      this.logger.debug(`connection ${connection.id}: ${error.message}`),
    );
    connection.onClosed(() => {
      this.connections.delete(connection);
      for (const channel of [...connection.channels]) this.leave(connection, channel);
    });
    this.connections.add(connection);
    if (this.connections.size > this.settings.maxConnections) {
      connection.close(CloseCode.TRY_AGAIN_LATER, 'connection limit reached');
      return;
    }
    connection.start(acceptance);
  }

  private beat(): void {
    for (const connection of this.connections) {
      if (connection.alive) {
        connection.ping();
        continue;
      }
      this.logger.debug(`reaped connection ${connection.id}: no pong within the ping interval`);
      connection.terminate();
    }
  }

  private leave(connection: HubConnection, channel: string): void {
    connection.channels.delete(channel);
    const members = this.members.get(channel);
    if (!members) return;
    members.delete(connection);
    if (members.size === 0) this.members.delete(channel);
  }

  /** This hub's connection, undefined once it closed; throws for another hub's connection. */
  private own(connection: RealtimeConnection): HubConnection | undefined {
    if (connection instanceof HubConnection && this.connections.has(connection)) return connection;
    if (!connection.open) return undefined;
    throw new Error(`connection ${connection.id} does not belong to realtime "${this.prefix}"`);
  }
}
