import {
  GrpcObject,
  loadPackageDefinition,
  Server,
  ServerCredentials,
  ServerOptions,
  ServiceDefinition,
  UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { ReflectionService } from '@grpc/reflection';
import { loadSync } from '@grpc/proto-loader';
import { ServiceDescriptor } from '../descriptor';
import { ToolkitExceptionFilter } from '../errors';
import { PipelineOptions } from '../pipeline/call-observer';
import { grpcHandler } from '../pipeline/grpc-mount';
import { MethodPlan } from '../pipeline/method-plan';
import { GrpcHealthService } from './grpc-health';
import { HealthState } from './health';
import { HEALTH_PROTO_PATH } from './proto-paths';
import { reflectionDefinition } from './reflection';
import { withSharedStreamEncoding } from './shared-stream-encoding';
import { withTolerantDeserializers } from './undecodable-request';

/** Where and what the app's gRPC server serves. @internal */
export interface ToolkitGrpcServerOptions {
  /** `host:port`; port 0 picks a free one. */
  url: string;
  /** The service's proto file (the server adds the health proto). */
  protoPath: string;
  loader: Parameters<typeof loadSync>[1];
  descriptor: ServiceDescriptor;
  health: HealthState;
  serverOptions?: ServerOptions;
}

/**
 * The app's own grpc-js server: one handler per method plan (all four shapes), deserializers that
 * hand undecodable requests to the plan (INVALID_ARGUMENT, not grpc-js's INTERNAL), server-stream
 * responses that are deeply frozen encoded once for all the calls they are written to, server
 * reflection and grpc.health.v1 on the same port, a graceful drain and a forced shutdown.
 * @internal
 */
export class ToolkitGrpcServer {
  private readonly server: Server;
  private readonly health: GrpcHealthService;
  private port?: number;
  private closing?: Promise<void>;

  constructor(
    private readonly options: ToolkitGrpcServerOptions,
    plans: readonly MethodPlan[],
    pipeline: PipelineOptions,
    filter: ToolkitExceptionFilter,
  ) {
    // The health proto is loaded with the service's so that reflection lists grpc.health.v1.Health.
    // The vendored one, not grpc-health-check's: that one adds List, whose map field proto-loader
    // describes with an entry name reflection clients reject (buf curl then finds no service).
    const packageDefinition = loadSync([options.protoPath, HEALTH_PROTO_PATH], options.loader);
    const root = loadPackageDefinition(packageDefinition);
    this.server = new Server(options.serverOptions);
    const byService = new Map<string, MethodPlan[]>();
    for (const plan of plans) {
      byService.set(plan.service.fullName, [...(byService.get(plan.service.fullName) ?? []), plan]);
    }
    for (const [fullName, servicePlans] of byService) {
      const definition = lookupService(root, fullName);
      if (!definition) continue;
      const implementation: UntypedServiceImplementation = {};
      for (const plan of servicePlans) {
        implementation[plan.method.name] = grpcHandler(plan, pipeline, filter);
      }
      this.server.addService(
        withSharedStreamEncoding(withTolerantDeserializers(definition)),
        implementation,
      );
    }
    new ReflectionService(reflectionDefinition(packageDefinition, options.descriptor)).addToServer(
      this.server,
    );
    this.health = new GrpcHealthService(options.descriptor.fullName, options.health);
    this.health.addToServer(this.server);
  }

  /** Publishes the first health verdict, binds and starts serving; resolves with the bound port. */
  async listen(): Promise<number> {
    await this.health.start();
    try {
      this.port = await new Promise<number>((resolve, reject) => {
        this.server.bindAsync(
          this.options.url,
          ServerCredentials.createInsecure(),
          (error, port) => (error ? reject(error) : resolve(port)),
        );
      });
    } catch (error) {
      this.health.close();
      throw error;
    }
    return this.port;
  }

  /** The bound port, once listening. */
  boundPort(): number | undefined {
    return this.port;
  }

  /**
   * Stops accepting and drains the calls in flight (grpc-js tryShutdown); one drain for every
   * caller. Health Watch streams never end by themselves, so they are ended here.
   */
  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      this.server.tryShutdown(() => resolve());
      this.health.close();
    });
    return this.closing;
  }

  /** Cuts every call still running (the grace period is over). */
  forceShutdown(): void {
    this.server.forceShutdown();
  }
}

function lookupService(root: GrpcObject, fullName: string): ServiceDefinition | undefined {
  let node: unknown = root;
  for (const part of fullName.split('.'))
    node = (node as Record<string, unknown> | undefined)?.[part];
  return (node as { service?: ServiceDefinition } | undefined)?.service;
}
