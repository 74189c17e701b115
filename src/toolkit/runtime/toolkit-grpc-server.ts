import { Server, ServerCredentials, ServerOptions } from '@grpc/grpc-js';
import { GrpcOptions, ServerGrpc } from '@nestjs/microservices';

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
  ) {
    super(toolkitOptions);
  }

  override async createClient(): Promise<Server> {
    const server = new Server(this.serverOptions);
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
