import { CanActivate, Inject, Injectable, OnModuleInit, Optional, Type } from '@nestjs/common';
import { GUARDS_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, MetadataScanner, ModuleRef } from '@nestjs/core';
import { ExternalContextCreator } from '@nestjs/core/helpers/external-context-creator';
import { RouteParamsFactory } from '@nestjs/core/router/route-params-factory';
import type { Logger as PinoLogger } from 'pino';
import { TOOLKIT_ROUTE } from '../constants';
import { DependencyFailures, toToolkitError } from '../errors';
import { runHttpGuards } from '../middlewares/run-http-guards';
import { httpRequestMessage } from '../transport/request-validation.guard';
import { RouteMetadata } from '../transport/route-metadata';
import { WebSocketOpenHandler, WebSocketUpgrade } from '../transport/websocket-upgrade';
import {
  getUpgradeHostToken,
  UPGRADE_HOST_PLUGIN_KIND,
  UpgradeDecision,
  UpgradeHost,
  UpgradeRequest,
} from '../transport/websocket';
import { ServiceDefinition } from './define-service';
import {
  acceptRequestId,
  REQUEST_ID_HEADER,
  RequestContext,
  runInRequestContext,
} from './request-context';
import { SERVICE_DEFINITION } from './tokens';
import { ToolkitLogger } from './toolkit-logger';
import { ToolkitMetrics } from './toolkit-metrics';
import { UpgradeReplyHeaders, upgradeHttpRequest, upgradeRefusal } from './upgrade-http-request';

/** Switches of the upgrade plumbing, the same as the HTTP hooks'. @internal */
export interface WebSocketPlumbing {
  metrics?: ToolkitMetrics;
  accessLog?: PinoLogger;
  echoRequestId: boolean;
  requestTimeoutMs: number;
}

/** Injection token of the app's `WebSocketPlumbing`. @internal */
export const WEBSOCKET_PLUMBING = Symbol('toolkit:websocket-plumbing');

type UpgradeCall = (request: unknown, reply: unknown) => Promise<unknown>;
type Handler = (...args: unknown[]) => unknown;

/**
 * Serves every `(toolkit.route).websocket` method of the app's controllers as a WebSocket
 * upgrade route of the service's realtime plugin, on the path of its GET binding. Fastify hooks
 * and Nest's router never see upgrade requests, so each upgrade runs here what an HTTP request
 * gets: a request id and request context, the method's guards (its middleware chain, then
 * transcoding from path and query and validation), the handler, the access log and metrics.
 * Anything thrown refuses the upgrade with the toolkit error body.
 * @internal
 */
@Injectable()
export class WebSocketRoutes implements OnModuleInit {
  private readonly logger: ToolkitLogger;
  private readonly paramsFactory = new RouteParamsFactory();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly contexts: ExternalContextCreator,
    private readonly moduleRef: ModuleRef,
    @Inject(SERVICE_DEFINITION) private readonly definition: ServiceDefinition,
    @Inject(WEBSOCKET_PLUMBING) private readonly plumbing: WebSocketPlumbing,
    appLogger: ToolkitLogger,
    @Optional() private readonly failures?: DependencyFailures,
  ) {
    this.logger = appLogger.forContext('WebSocketRoutes');
  }

  onModuleInit(): void {
    for (const wrapper of this.discovery.getControllers()) {
      const instance: unknown = wrapper.instance;
      if (typeof instance !== 'object' || instance === null) continue;
      const prototype: object = Object.getPrototypeOf(instance) as object;
      for (const name of this.scanner.getAllMethodNames(prototype)) {
        const method: unknown = Reflect.get(prototype, name);
        if (typeof method !== 'function') continue;
        const route = Reflect.getMetadata(TOOLKIT_ROUTE, method) as RouteMetadata | undefined;
        if (route?.method.websocket) this.install(instance, name, method as Handler, route);
      }
    }
  }

  private install(
    instance: object,
    methodName: string,
    callback: Handler,
    route: RouteMetadata,
  ): void {
    const { method } = route;
    const where = `${this.definition.name}: websocket method ${method.name}`;
    if (method.http?.method !== 'GET') throw new Error(`${where} needs a GET google.api.http path`);
    // Nest's external contexts find guards only for providers, not controllers: the handler's
    // parameters are resolved there, its guards are run by `guarded` below.
    const handler = this.contexts.create(
      instance,
      callback,
      methodName,
      ROUTE_ARGS_METADATA,
      this.paramsFactory,
      undefined,
      undefined,
      { guards: false, interceptors: false, filters: false },
      'http',
    ) as UpgradeCall;
    const call = this.guarded(instance.constructor as Type<unknown>, callback, handler);
    this.realtime(where).registerUpgradeRoute(method.http.path, (upgrade) =>
      this.decide(route, call, upgrade),
    );
    this.logger.log(`${method.name}: WebSocket upgrades on GET ${method.http.path}`);
  }

  /** Runs the controller's and the method's `@UseGuards` (the toolkit's among them) in order, as `http`. */
  private guarded(controller: Type<unknown>, callback: Handler, handler: UpgradeCall): UpgradeCall {
    const declared = [
      ...((Reflect.getMetadata(GUARDS_METADATA, controller) as unknown[] | undefined) ?? []),
      ...((Reflect.getMetadata(GUARDS_METADATA, callback) as unknown[] | undefined) ?? []),
    ];
    const guards = declared.map((guard) =>
      typeof guard === 'function'
        ? this.moduleRef.get<CanActivate>(guard as Type<CanActivate>, { strict: false })
        : (guard as CanActivate),
    );
    return async (request, reply) => {
      await runHttpGuards(guards, { request, reply, controller, handler: callback });
      return handler(request, reply);
    };
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

  private async decide(
    route: RouteMetadata,
    call: UpgradeCall,
    upgrade: UpgradeRequest,
  ): Promise<UpgradeDecision> {
    const startedAt = process.hrtime.bigint();
    const requestId = acceptRequestId(upgrade.headers[REQUEST_ID_HEADER]);
    const context: RequestContext = {
      requestId,
      transport: 'http',
      rpc: route.method.name,
      deadline: Date.now() + this.plumbing.requestTimeoutMs,
      headers: flatHeaders(upgrade.headers),
    };
    const openHandlers: WebSocketOpenHandler[] = [];
    const session: WebSocketUpgrade = {
      request: upgrade,
      requestId,
      onOpen: (handler) => void openHandlers.push(handler),
    };
    const request = upgradeHttpRequest(session);
    const reply = new UpgradeReplyHeaders();
    try {
      await runInRequestContext(context, () => call(request, reply));
    } catch (thrown) {
      const { error, unexpected } = toToolkitError(thrown, this.failures);
      if (unexpected) {
        this.logger.error(
          `upgrade ${route.method.name} (${requestId}) failed: ${String(thrown)}`,
          thrown instanceof Error ? thrown.stack : undefined,
        );
      }
      const refusal = upgradeRefusal(error, reply.values);
      if (this.plumbing.echoRequestId) refusal.headers[REQUEST_ID_HEADER] = requestId;
      this.observe(context, upgrade, refusal.status, startedAt);
      return { accept: false, ...refusal };
    }
    this.observe(context, upgrade, 101, startedAt);
    return {
      accept: true,
      context: httpRequestMessage(request),
      onConnection: async (connection) => {
        for (const handler of openHandlers) {
          await runInRequestContext(context, () => handler(connection));
        }
      },
    };
  }

  private observe(
    context: RequestContext,
    upgrade: UpgradeRequest,
    status: number,
    startedAt: bigint,
  ): void {
    const seconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
    this.plumbing.metrics?.observe({
      transport: 'http',
      rpc: context.rpc,
      code: String(status),
      failed: status >= 400,
      seconds,
    });
    this.plumbing.accessLog?.info(
      {
        request_id: context.requestId,
        transport: 'websocket',
        method: 'GET',
        route: upgrade.route,
        rpc: context.rpc,
        status,
        duration_ms: Math.round(seconds * 1e6) / 1e3,
      },
      status === 101 ? 'upgrade accepted' : 'upgrade refused',
    );
  }
}

function flatHeaders(headers: UpgradeRequest['headers']): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (typeof value === 'string') flat[name] = value;
    else if (Array.isArray(value)) flat[name] = value.join(', ');
  }
  return flat;
}
