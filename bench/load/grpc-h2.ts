import {
  ClientHttp2Session,
  ClientHttp2Stream,
  connect,
  IncomingHttpHeaders,
  OutgoingHttpHeaders,
} from 'node:http2';

/**
 * The cheapest gRPC client: a raw node:http2 session sending pre-serialized, pre-framed requests
 * and reading only `grpc-status` (unary answers are drained, not decoded; stream messages are
 * counted from their 5-byte frame headers). A grpc-js client channel spends about as much CPU per
 * call as the server does, so on a small machine it, not the server, would set the pace.
 */
export class GrpcH2Session {
  private constructor(private readonly session: ClientHttp2Session) {}

  static connect(target: string): Promise<GrpcH2Session> {
    return new Promise((resolve, reject) => {
      const session = connect(`http://${target}`);
      session.once('connect', () => resolve(new GrpcH2Session(session)));
      session.once('error', reject);
    });
  }

  /** A gRPC length-prefixed message (uncompressed). */
  static frame(message: Buffer): Buffer {
    const frame = Buffer.allocUnsafe(5 + message.length);
    frame.writeUInt8(0, 0);
    frame.writeUInt32BE(message.length, 1);
    message.copy(frame, 5);
    return frame;
  }

  /** One unary call; resolves with its grpc-status (-1 when the stream broke without one). */
  unary(path: string, frame: Buffer): Promise<number> {
    return new Promise((resolve) => {
      let code = -1;
      const stream = this.request(path, {});
      const read = (headers: IncomingHttpHeaders): void => {
        const value = headers['grpc-status'];
        if (value !== undefined) code = Number(value);
      };
      stream.on('response', read);
      stream.on('trailers', read);
      stream.on('error', () => undefined);
      stream.on('close', () => resolve(code));
      stream.resume();
      stream.end(frame);
    });
  }

  /** Opens a server stream whose messages `counter` counts. */
  serverStream(
    path: string,
    frame: Buffer,
    metadata: Record<string, string>,
    counter: GrpcFrameCounter,
  ): void {
    const stream = this.request(path, metadata);
    const read = (headers: IncomingHttpHeaders): void => {
      const value = headers['grpc-status'];
      if (value !== undefined) {
        const message = headers['grpc-message'];
        counter.ending = `grpc-status ${String(value)}${message ? ` ${decodeURIComponent(String(message))}` : ''}`;
      }
    };
    stream.on('response', read);
    stream.on('trailers', read);
    stream.on('data', (chunk: Buffer) => counter.push(chunk));
    stream.on('error', (error: Error) => (counter.ending ??= error.message));
    stream.on('close', () => (counter.ending ??= 'closed without status'));
    stream.end(frame);
  }

  close(): void {
    this.session.destroy();
  }

  private request(path: string, metadata: Record<string, string>): ClientHttp2Stream {
    const headers: OutgoingHttpHeaders = {
      ':method': 'POST',
      ':path': path,
      'content-type': 'application/grpc',
      te: 'trailers',
      ...metadata,
    };
    return this.session.request(headers);
  }
}

/** Counts gRPC messages in a response body from the frame headers, across DATA chunk borders. */
export class GrpcFrameCounter {
  messages = 0;
  /** How the stream ended (status or error), once it did. */
  ending: string | undefined;
  private readonly header = Buffer.alloc(5);
  private headerBytes = 0;
  private bodyLeft = 0;

  constructor(private readonly onMessage: () => void) {}

  push(chunk: Buffer): void {
    let offset = 0;
    while (offset < chunk.length) {
      if (this.bodyLeft > 0) {
        const take = Math.min(this.bodyLeft, chunk.length - offset);
        this.bodyLeft -= take;
        offset += take;
        if (this.bodyLeft === 0) this.complete();
        continue;
      }
      const take = Math.min(5 - this.headerBytes, chunk.length - offset);
      chunk.copy(this.header, this.headerBytes, offset, offset + take);
      this.headerBytes += take;
      offset += take;
      if (this.headerBytes === 5) {
        this.headerBytes = 0;
        this.bodyLeft = this.header.readUInt32BE(1);
        if (this.bodyLeft === 0) this.complete();
      }
    }
  }

  private complete(): void {
    this.messages += 1;
    this.onMessage();
  }
}
