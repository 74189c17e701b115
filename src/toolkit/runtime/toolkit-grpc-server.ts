import {
  Server,
  ServerCredentials,
  ServerOptions,
  ServiceDefinition,
  UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { GrpcOptions, ServerGrpc } from '@nestjs/microservices';
import { withTolerantDeserializers } from './undecodable-request';

/** grpc-js server whose services under `packageName` tolerate undecodable requests. */
class TolerantServer extends Server {
  constructor(
    private readonly packageName: string,
    options: ServerOptions,
  ) {
    super(options);
  }

  override addService(
    service: ServiceDefinition,
    implementation: UntypedServiceImplementation,
  ): void {
    const ours = Object.values(service).some((method) =>
      method.path.startsWith(`/${this.packageName}.`),
    );
    super.addService(ours ? withTolerantDeserializers(service) : service, implementation);
  }
}

/**
 * Nest's gRPC server, binding the grpc-js server itself so that the bound port is known (port 0
 * in tests) and the server can be force-shut when the grace period ends.
 * @internal
 */
export class ToolkitGrpcServer extends ServerGrpc {
  private server?: Server;
  private port?: number;
  private closing?: Promise<void>;

  constructor(
    private readonly toolkitOptions: GrpcOptions['options'],
    private readonly serverOptions: ServerOptions,
    private readonly servicePackage: string,
  ) {
    super(toolkitOptions);
  }

  override async createClient(): Promise<Server> {
    const server = new TolerantServer(this.servicePackage, this.serverOptions);
    this.port = await new Promise<number>((resolve, reject) => {
      server.bindAsync(
        this.toolkitOptions.url ?? '0.0.0.0:0',
        this.toolkitOptions.credentials ?? ServerCredentials.createInsecure(),
        (error, port) => (error ? reject(error) : resolve(port)),
      );
    });
    this.server = server;
    return server;
  }

  /** The bound port, once listening. */
  boundPort(): number | undefined {
    return this.port;
  }

  /** Starts draining (grpc-js tryShutdown); every caller, Nest's dispose included, awaits the same drain. */
  override close(): Promise<void> {
    this.closing ??= super.close();
    return this.closing;
  }

  /** Cuts every call still running (the grace period is over). */
  forceShutdown(): void {
    this.server?.forceShutdown();
  }
}
