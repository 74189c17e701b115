import WebSocket, { ClientOptions } from 'ws';

/** A `{type, payload}` frame as a test client sees it. */
export interface TestFrame {
  type: string;
  payload: unknown;
}

/** How a socket ended. */
export interface CloseEvent {
  code: number;
  reason: string;
}

/** An upgrade answered with plain HTTP instead of a WebSocket. */
export class UpgradeRefused extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`upgrade refused with HTTP ${status}: ${JSON.stringify(body)}`);
  }
}

/**
 * A real `ws` client that records every frame it receives, so tests can await "the next frame",
 * "N frames" or "the close" without racing the socket.
 */
export class TestSocket {
  readonly frames: TestFrame[] = [];
  readonly closed: Promise<CloseEvent>;
  private read = 0;
  private wake: (() => void) | undefined;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.frames.push(JSON.parse(data.toString()) as TestFrame);
      this.wake?.();
    });
    this.closed = new Promise((resolve) =>
      ws.on('close', (code, reason) => {
        resolve({ code, reason: reason.toString() });
        this.wake?.();
      }),
    );
  }

  /** Opens `ws://<host>:<port><path>`; rejects with `UpgradeRefused` when answered with HTTP. */
  static open(port: number, path: string, options: ClientOptions = {}): Promise<TestSocket> {
    const ws = new WebSocket(`ws://127.0.0.1:${port}${path}`, options);
    const socket = new TestSocket(ws);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(socket));
      ws.once('error', reject);
      ws.once('unexpected-response', (_request, response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          let body: unknown = text;
          try {
            body = JSON.parse(text);
          } catch {
            // not JSON: keep the text
          }
          reject(new UpgradeRefused(response.statusCode ?? 0, body));
          ws.terminate();
        });
      });
    });
  }

  /** Resolves with the next unread frame; rejects if the socket closes first. */
  async next(): Promise<TestFrame> {
    await this.until(() => this.frames.length > this.read);
    return this.frames[this.read++];
  }

  /** Resolves once `count` frames have arrived in total. */
  async received(count: number): Promise<TestFrame[]> {
    await this.until(() => this.frames.length >= count);
    return this.frames;
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  close(): Promise<CloseEvent> {
    this.ws.close();
    return this.closed;
  }

  private async until(done: () => boolean): Promise<void> {
    while (!done()) {
      if (this.ws.readyState === WebSocket.CLOSED) {
        throw new Error(`socket closed after ${this.frames.length} frames`);
      }
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }
}
