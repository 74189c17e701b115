import type { Server } from 'node:http';
import {
  BeforeApplicationShutdown,
  DynamicModule,
  Inject,
  Injectable,
  InjectionToken,
  Module,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { CallerTokens } from '../auth/caller-tokens';
import { DescriptorRegistry, ProxyTarget, ServiceDescriptor } from '../descriptor';
import { BackendCallMetrics, WebSocketMetrics } from '../metrics';
import { RouteMiddlewaresGuard } from '../middlewares/route-middlewares.guard';
import type { ToolkitMetrics } from '../runtime/toolkit-metrics';
import { TOOLKIT_METRICS } from '../runtime/tokens';
import { BackendPool, BackendPoolOptions } from './backend-pool';
import { createProxyController } from './proxy-controller.factory';
import { ToolkitLogger } from '../runtime/toolkit-logger';
import { ProxySocketOptions, ProxySockets } from './proxy-sockets';

/** Everything a gateway's proxy is configured with. @publicApi */
export type ProxyOptions = Omit<BackendPoolOptions, 'backends'> & { sockets: ProxySocketOptions };

/** Inputs of `ProxyModule.forService`. @publicApi */
export interface ProxyModuleOptions {
  /** The gateway's generated descriptor: its `http_proxy` / `websocket_proxy` methods are served. */
  descriptor: ServiceDescriptor;
  /** The generated descriptors of the services the gateway proxies to. */
  backends: readonly ServiceDescriptor[];
  /** Resolver, keepalive, timeouts and socket settings, from injected providers (e.g. settings). */
  useFactory: (...args: never[]) => ProxyOptions;
  inject?: InjectionToken[];
}

const PROXY_OPTIONS = Symbol('toolkit:proxy-options');

@Injectable()
class ProxyLifecycle
  implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  constructor(
    @Inject(BackendPool) private readonly pool: BackendPool,
    @Inject(ProxySockets) private readonly sockets: ProxySockets,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  onApplicationBootstrap(): void {
    this.sockets.install(this.adapterHost.httpAdapter.getHttpServer() as Server);
  }

  beforeApplicationShutdown(): void {
    this.sockets.close();
  }

  onApplicationShutdown(): void {
    this.pool.close();
  }
}

/**
 * The proxy machinery of a gateway service, driven by its descriptor: an HTTP route per
 * `http_proxy` method (a generated controller, see `createProxyController`), the WebSocket relay of
 * `websocket_proxy` methods bound to a backend socket, and the event socket on which frames call
 * the other `websocket_proxy` methods (see `ProxySockets`). Exports `BackendPool` for local
 * handlers (health). Start-up fails when a target names a method no backend descriptor has, or a
 * service the resolver does not know.
 * @publicApi
 */
@Module({})
export class ProxyModule {
  static forService(options: ProxyModuleOptions): DynamicModule {
    const targets: ProxyTarget[] = options.descriptor.methods.flatMap((method) => [
      ...(method.httpProxy ? [method.httpProxy] : []),
      ...(method.websocketProxy ? [method.websocketProxy] : []),
    ]);
    return {
      module: ProxyModule,
      controllers: [createProxyController(options.descriptor)],
      providers: [
        {
          provide: PROXY_OPTIONS,
          useFactory: (...args: unknown[]) => options.useFactory(...(args as never[])),
          inject: options.inject ?? [],
        },
        {
          provide: BackendPool,
          useFactory: (
            proxy: ProxyOptions,
            callerTokens: CallerTokens,
            logger: ToolkitLogger,
            metrics: ToolkitMetrics | undefined,
          ) => {
            const pool = new BackendPool(
              {
                ...proxy,
                backends: options.backends,
                callerTokens,
                metrics: metrics && new BackendCallMetrics(metrics.registry),
              },
              logger,
            );
            pool.resolve(targets);
            return pool;
          },
          inject: [
            PROXY_OPTIONS,
            CallerTokens,
            ToolkitLogger,
            { token: TOOLKIT_METRICS, optional: true },
          ],
        },
        {
          provide: ProxySockets,
          useFactory: (
            pool: BackendPool,
            types: DescriptorRegistry,
            guard: RouteMiddlewaresGuard,
            proxy: ProxyOptions,
            logger: ToolkitLogger,
            metrics: ToolkitMetrics | undefined,
          ) =>
            new ProxySockets(
              options.descriptor,
              pool,
              types,
              guard,
              proxy.sockets,
              logger,
              metrics && new WebSocketMetrics(metrics.registry, 'gateway'),
            ),
          inject: [
            BackendPool,
            DescriptorRegistry,
            RouteMiddlewaresGuard,
            PROXY_OPTIONS,
            ToolkitLogger,
            { token: TOOLKIT_METRICS, optional: true },
          ],
        },
        ProxyLifecycle,
      ],
      exports: [BackendPool],
    };
  }
}
