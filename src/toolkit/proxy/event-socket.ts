import { LoggerService } from '@nestjs/common';
import WebSocket from 'ws';
import { CallerIdentity } from '../auth/caller-identity';
import { DescriptorRegistry, MethodDescriptor } from '../descriptor';
import { grpcCodeName, toToolkitError, ToolkitError } from '../errors';
import type { WebSocketMetrics } from '../metrics';
import { decodeJson, encodeJson } from '../protojson';
import { ProtoJsonError } from '../protojson/protojson-error';
import { acceptRequestId } from '../runtime/request-context';
import { parseFrame } from '../transport/websocket/frames';
import { BackendPool } from './backend-pool';
import { forwardedMetadata } from './forwarded-metadata';
import { SocketAuthorizer, SocketRequest } from './socket-authorizer';
import {
  BoundedSender,
  MAX_QUEUED_FRAMES,
  ReadValve,
  SendBound,
  SOCKET_CLOSE,
} from './socket-policy';

/** What an event socket needs from the gateway. @internal */
export interface EventSocketDeps {
  pool: BackendPool;
  authorizer: SocketAuthorizer;
  /** The socket's stand-in request (headers of the upgrade), reused for every frame's guards. */
  request: SocketRequest;
  identity?: CallerIdentity;
  methods: readonly MethodDescriptor[];
  /** The gateway's message and enum types, which frames are transcoded with. */
  types: DescriptorRegistry;
  subjectField?: string;
  requestTimeoutMs: number;
  /** The client's send buffer bound: past it the socket is not read, and closed 1013 if it stays. */
  bound: SendBound;
  logger: LoggerService;
  /** Counts the frames sent and slow-reader closes; the gateway counts frames received. */
  metrics?: WebSocketMetrics;
}

/** One frame of the event socket. @publicApi */
export interface EventFrame {
  type: string;
  payload: unknown;
}

/**
 * One client of a gateway's event socket. Greets with `{type: <socket method>, payload: {status:
 * "connected", connection_id}}`; then each text frame `{type, payload}` naming a frame method is
 * decoded as its request message (protojson), run through the method's middleware guards,
 * validated, and sent to the backend with a deadline; the answer is `{type, payload: <response>}`,
 * a failure `{type: "error", payload: {code, message, type}}` (code as in google.rpc.Code names).
 * Frames of one socket are answered in arrival order, each through the method's guards (so the
 * rate limit counts frames like requests). At most `MAX_QUEUED_FRAMES` frames wait for their turn:
 * past that the socket is not read; a client that does not read its answers is not read either
 * while its send buffer is over the bound, and is closed with 1013 if it stays over it.
 * @internal
 */
export class EventSocket {
  private queue: Promise<void> = Promise.resolve();
  private queued = 0;
  private readonly valve: ReadValve;
  private readonly sender: BoundedSender;

  constructor(
    private readonly socket: WebSocket,
    private readonly deps: EventSocketDeps,
  ) {
    this.valve = new ReadValve(socket);
    this.sender = new BoundedSender(socket, this.valve, deps.bound, () => {
      deps.metrics?.slowConsumerDropped();
      socket.close(SOCKET_CLOSE.tryAgainLater, 'reader too slow');
    });
  }

  start(socketMethod: MethodDescriptor, connectionId: string): void {
    this.send({
      type: socketMethod.name,
      payload: { status: 'connected', connection_id: connectionId },
    });
    this.socket.on('message', (data, isBinary) => {
      this.queued += 1;
      if (this.queued >= MAX_QUEUED_FRAMES) this.valve.hold('queued');
      this.queue = this.queue
        .then(() => this.handle(data, isBinary))
        .finally(() => {
          this.queued -= 1;
          if (this.queued < MAX_QUEUED_FRAMES) this.valve.release('queued');
        });
    });
  }

  private async handle(data: WebSocket.RawData, isBinary: boolean): Promise<void> {
    let type = '';
    try {
      const frame = parseFrame(data, isBinary);
      if ('error' in frame) throw ToolkitError.invalidArgument(frame.error);
      type = frame.type;
      const method = this.deps.methods.find((candidate) => candidate.name === frame.type);
      if (!method) throw ToolkitError.unimplemented(`no event type ${frame.type}`);
      await this.deps.authorizer.authorize(method, this.deps.request);
      const response = await this.call(method, frame.payload);
      this.send({
        type,
        payload: encodeJson(
          this.deps.types,
          method.responseType,
          response as Record<string, unknown>,
        ),
      });
    } catch (error) {
      const { error: toolkitError, unexpected } = toToolkitError(error);
      if (unexpected)
        this.deps.logger.error(
          error instanceof Error ? (error.stack ?? error.message) : String(error),
        );
      this.send({
        type: 'error',
        payload: { code: grpcCodeName(toolkitError.code), message: toolkitError.message, type },
      });
    }
  }

  private async call(method: MethodDescriptor, payload: unknown): Promise<unknown> {
    let message: Record<string, unknown>;
    try {
      message = decodeJson(this.deps.types, method.requestType, payload ?? {});
    } catch (error) {
      if (error instanceof ProtoJsonError) {
        throw ToolkitError.invalidArgument(error.message, {
          violations: [
            { field: error.field === '' ? 'payload' : error.field, description: error.reason },
          ],
        });
      }
      throw error;
    }
    const { subjectField, identity } = this.deps;
    if (subjectField && identity && subjectField in message)
      message[subjectField] = identity.subject;
    const violations = this.deps.types.message(method.requestType).validate?.(message) ?? [];
    if (violations.length > 0) {
      throw ToolkitError.invalidArgument(`invalid ${method.requestType}`, { violations });
    }
    const { request } = this.deps;
    // Each frame is its own call to the backend: a new request id, the app's timeout.
    const call = {
      requestId: acceptRequestId(undefined),
      deadline: Date.now() + this.deps.requestTimeoutMs,
    };
    const metadata = forwardedMetadata({ headers: request.headers, ip: request.ip, identity });
    return this.deps.pool.call(method.websocketProxy!, message, metadata, call);
  }

  private send(frame: EventFrame): void {
    this.sender.send(JSON.stringify(frame));
    this.deps.metrics?.frameSent();
  }
}
