import { Inject, Injectable, Optional } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Logger as PinoLogger } from 'pino';
import { getRequestIdentity } from '../auth/caller-identity';
import { DependencyFailures, toToolkitError } from '../errors';
import { CallOrigin, ServedCall } from '../pipeline/call-context';
import { flatHeaders } from '../pipeline/http-mount';
import { callTimeoutMs, durationMs, secondsSince } from '../pipeline/call-observer';
import { admitCall, executePlan, MethodPlan, PlanCall } from '../pipeline/method-plan';
import { OpenStreams } from '../pipeline/open-streams';
import { streamLogFields, observeStream, WebSocketStreamOutcome } from '../streaming';
import { transcodeHttpRequest } from '../transport/transcode';
import { WebSocketOpenHandler, WebSocketUpgrade } from '../transport/websocket-upgrade';
import {
  getUpgradeHostToken,
  UPGRADE_HOST_PLUGIN_KIND,
  UpgradeDecision,
  UpgradeHost,
  UpgradeRequest,
} from '../transport/websocket';
import { ServiceDefinition } from './define-service';
import { acceptRequestId, parseGrpcTimeout, REQUEST_ID_HEADER } from './request-context';
import { SERVICE_DEFINITION } from './tokens';
import { ToolkitLogger } from './toolkit-logger';
import { ToolkitMetrics } from './toolkit-metrics';
import { serveStreamSocket } from './websocket-stream-socket';
import {
  UpgradeHttpRequest,
  UpgradeReplyHeaders,
  upgradeHttpRequest,
  upgradeRefusal,
} from './upgrade-http-request';

/** Switches of the upgrade plumbing, the same as the HTTP routes'. @internal */
export interface WebSocketPlumbing {
  metrics?: ToolkitMetrics;
  accessLog?: PinoLogger;
  echoRequestId: boolean;
  requestTimeoutMs: number;
  /** Bound of a WebSocket stream when the client set no shorter `grpc-timeout`; 0: none. */
  streamTimeoutMs: number;
  /** The app's open streams, ended at shutdown. */
  streams: OpenStreams;
  /** The app's logger, for `CallContext.log`. */
  logger: PinoLogger;
}

/** Injection token of the app's `WebSocketPlumbing`. @internal */
export const WEBSOCKET_PLUMBING = Symbol('toolkit:websocket-plumbing');

/**
 * Serves every `(toolkit.route).websocket` method of the app's controllers as a WebSocket
 * upgrade route of the service's realtime plugin, on the path of its GET binding. Each upgrade
 * runs the method's plan before the handshake, as an HTTP request would: a request id, the
 * caller token and the middleware chain, transcoding from path and query and validation, the
 * handler; then the access log and metrics. Anything thrown refuses the upgrade with the toolkit
 * error body.
 *
 * Client- and bidi-streaming rpcs with a GET binding are served the same way, as a stream: the
 * caller token and the middlewares run once before the handshake, the handler once the socket
 * is open, with the client's frames as its request stream (see `serveStreamSocket`); one access
 * line per stream, when it ends.
 * @internal
 */
@Injectable()
export class WebSocketRoutes {
  private readonly logger: ToolkitLogger;

  constructor(
    private readonly moduleRef: ModuleRef,
    @Inject(SERVICE_DEFINITION) private readonly definition: ServiceDefinition,
    @Inject(WEBSOCKET_PLUMBING) private readonly plumbing: WebSocketPlumbing,
    appLogger: ToolkitLogger,
    @Optional() private readonly failures?: DependencyFailures,
  ) {
    this.logger = appLogger.forContext('WebSocketRoutes');
  }

  /** Registers the upgrade route of every WebSocket method among `plans`. */
  install(plans: readonly MethodPlan[]): void {
    for (const plan of plans) {
      const { method } = plan;
      if (method.clientStreaming && method.http?.method === 'GET') {
        const { path } = method.http;
        const where = `${this.definition.name}: streaming method ${method.name} (WebSocket on GET ${path})`;
        this.realtime(where).registerUpgradeRoute(path, (upgrade) =>
          this.decideStream(plan, upgrade),
        );
        this.logger.log(`${method.name}: WebSocket streams on GET ${path}`);
        continue;
      }
      if (!method.websocket) continue;
      const where = `${this.definition.name}: websocket method ${method.name}`;
      if (method.http?.method !== 'GET')
        throw new Error(`${where} needs a GET google.api.http path`);
      this.realtime(where).registerUpgradeRoute(method.http.path, (upgrade) =>
        this.decide(plan, upgrade),
      );
      this.logger.log(`${method.name}: WebSocket upgrades on GET ${method.http.path}`);
    }
  }

  private realtime(where: string): UpgradeHost {
    const plugin = this.definition.descriptor.plugins.find(
      (candidate) => candidate.kind === UPGRADE_HOST_PLUGIN_KIND,
    );
    if (!plugin) {
      throw new Error(
        `${where} needs a ${UPGRADE_HOST_PLUGIN_KIND} (realtime) plugin in the proto`,
      );
    }
    return this.moduleRef.get<UpgradeHost>(getUpgradeHostToken(plugin.prefix), { strict: false });
  }

  private async decide(plan: MethodPlan, upgrade: UpgradeRequest): Promise<UpgradeDecision> {
    const startedAt = process.hrtime.bigint();
    const requestId = acceptRequestId(upgrade.headers[REQUEST_ID_HEADER]);
    const openHandlers: WebSocketOpenHandler[] = [];
    const session: WebSocketUpgrade = {
      request: upgrade,
      requestId,
      onOpen: (handler) => void openHandlers.push(handler),
    };
    const request = upgradeHttpRequest(session);
    const reply = new UpgradeReplyHeaders();
    const call = new ServedCall(
      requestId,
      'websocket',
      plan.method.name,
      Date.now() + this.plumbing.requestTimeoutMs,
      new UpgradeOrigin(request, this.plumbing.logger),
    );
    let message: Record<string, unknown> | undefined;
    try {
      await executePlan(plan, {
        call,
        type: 'http',
        args: [request, reply, call],
        readMessage: () => (message = transcodeUpgrade(plan, request)),
        upgrade: session,
      });
    } catch (thrown) {
      return this.refuse(call, upgrade, reply, thrown, startedAt);
    }
    this.observe(call, upgrade, 101, startedAt);
    return {
      accept: true,
      context: message,
      onConnection: async (connection) => {
        for (const handler of openHandlers) await handler(connection);
      },
    };
  }

  private async decideStream(plan: MethodPlan, upgrade: UpgradeRequest): Promise<UpgradeDecision> {
    const startedAt = process.hrtime.bigint();
    const requestId = acceptRequestId(upgrade.headers[REQUEST_ID_HEADER]);
    const session: WebSocketUpgrade = {
      request: upgrade,
      requestId,
      onOpen: () => {
        throw new Error(
          `${plan.method.name} is a streaming rpc: its handler runs on the open socket`,
        );
      },
    };
    const request = upgradeHttpRequest(session);
    const reply = new UpgradeReplyHeaders();
    const clientTimeout = parseGrpcTimeout(upgrade.headers['grpc-timeout']);
    const timeoutMs = Math.min(
      callTimeoutMs(plan.method, this.plumbing),
      clientTimeout ?? Infinity,
    );
    const call = new ServedCall(
      requestId,
      'websocket',
      plan.method.name,
      Date.now() + timeoutMs,
      new UpgradeOrigin(request, this.plumbing.logger),
    );
    const planned: PlanCall = {
      call,
      type: 'http',
      args: [request, reply, call],
      readMessage: () => undefined,
    };
    try {
      await admitCall(plan, planned);
    } catch (thrown) {
      return this.refuse(call, upgrade, reply, thrown, startedAt);
    }
    return {
      accept: true,
      onSocket: (socket) => {
        void serveStreamSocket(socket, {
          plan,
          planned,
          timeoutMs,
          streams: this.plumbing.streams,
          normalize: (thrown) => this.normalize(thrown, call),
        }).then((outcome) => this.observe(call, upgrade, 101, startedAt, outcome));
      },
    };
  }

  private refuse(
    call: ServedCall,
    upgrade: UpgradeRequest,
    reply: UpgradeReplyHeaders,
    thrown: unknown,
    startedAt: bigint,
  ): UpgradeDecision {
    const refusal = upgradeRefusal(this.normalize(thrown, call), reply.values);
    if (this.plumbing.echoRequestId) refusal.headers[REQUEST_ID_HEADER] = call.requestId;
    this.observe(call, upgrade, refusal.status, startedAt);
    return { accept: false, ...refusal };
  }

  private normalize(thrown: unknown, call: ServedCall) {
    const { error, unexpected } = toToolkitError(thrown, this.failures);
    if (unexpected) {
      this.logger.error(
        `WebSocket ${call.rpc} (${call.requestId}) failed: ${String(thrown)}`,
        thrown instanceof Error ? thrown.stack : undefined,
      );
    }
    return error;
  }

  private observe(
    call: ServedCall,
    upgrade: UpgradeRequest,
    status: number,
    startedAt: bigint,
    stream?: WebSocketStreamOutcome,
  ): void {
    if (stream) observeStream(this.plumbing, 'websocket', call.rpc, stream.messagesIn, stream);
    const seconds = secondsSince(startedAt);
    this.plumbing.metrics?.observe({
      transport: 'http',
      rpc: call.rpc,
      code: String(status),
      failed: status >= 400,
      seconds,
    });
    this.plumbing.accessLog?.info(
      {
        request_id: call.requestId,
        transport: 'websocket',
        method: 'GET',
        route: upgrade.route,
        rpc: call.rpc,
        status,
        duration_ms: durationMs(seconds),
        ...(stream && streamLogFields(stream.messagesIn, stream)),
      },
      stream ? 'stream completed' : status === 101 ? 'upgrade accepted' : 'upgrade refused',
    );
  }
}

/** The request message of an upgrade: its GET binding's path parameters, then the query. */
function transcodeUpgrade(plan: MethodPlan, request: UpgradeHttpRequest): Record<string, unknown> {
  const rule = plan.method.http!;
  const pathParams: Record<string, string> = {};
  for (const field of rule.pathParams) {
    const value = request.params[field];
    if (typeof value === 'string') pathParams[field] = value;
  }
  return transcodeHttpRequest(plan.types, plan.method, rule, pathParams, request);
}

/** What a `ServedCall` reads of an upgrade request. */
class UpgradeOrigin implements CallOrigin {
  constructor(
    private readonly request: UpgradeHttpRequest,
    private readonly logger: PinoLogger,
  ) {}

  get identityCarrier(): object {
    return this.request;
  }

  readHeaders(): Record<string, string> {
    return flatHeaders(this.request.headers);
  }

  watchCancel(): void {
    // The decision is taken before the handshake; there is no answer to cancel.
  }

  identityOf(carrier: object) {
    return getRequestIdentity(carrier);
  }

  childLogger(requestId: string, rpc: string): ToolkitLogger {
    return new ToolkitLogger(this.logger.child({ request_id: requestId, rpc }));
  }
}
