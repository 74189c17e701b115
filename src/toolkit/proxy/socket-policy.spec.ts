import { EventEmitter } from 'node:events';
import WebSocket from 'ws';
import { InvalidTokenError } from '../auth/invalid-token.error';
import { ToolkitError } from '../errors';
import { BoundedSender, holdToToken, keepAlive, ReadValve } from './socket-policy';

/** The parts of a ws socket the policies use, observable. */
class FakeSocket extends EventEmitter {
  readyState: number = WebSocket.OPEN;
  isPaused = false;
  bufferedAmount = 0;
  sent: unknown[] = [];
  closedWith: [number, string] | undefined;
  terminated = false;
  pings = 0;
  private callbacks: (() => void)[] = [];

  pause() {
    this.isPaused = true;
  }
  resume() {
    this.isPaused = false;
  }
  send(data: unknown, _options: unknown, callback: () => void) {
    this.sent.push(data);
    this.bufferedAmount += String(data).length;
    this.callbacks.push(callback);
  }
  /** The peer read everything: buffers drain and write callbacks run. */
  drain() {
    this.bufferedAmount = 0;
    for (const callback of this.callbacks.splice(0)) callback();
  }
  close(code: number, reason: string) {
    this.closedWith = [code, reason];
    this.readyState = WebSocket.CLOSED;
    this.emit('close');
  }
  terminate() {
    this.terminated = true;
    this.readyState = WebSocket.CLOSED;
    this.emit('close');
  }
  ping() {
    this.pings += 1;
  }
}

const asWs = (socket: FakeSocket) => socket as unknown as WebSocket;
const silent = { log: jest.fn(), error: jest.fn(), warn: jest.fn() };

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

describe('ReadValve', () => {
  it('pauses while any reason holds and resumes when the last is released', () => {
    const socket = new FakeSocket();
    const valve = new ReadValve(asWs(socket));
    valve.hold('a');
    valve.hold('b');
    valve.release('a');
    expect(socket.isPaused).toBe(true);
    valve.release('b');
    expect(socket.isPaused).toBe(false);
  });
});

describe('BoundedSender', () => {
  it('pauses the source over the bound and resumes it once the reader drains', () => {
    const reader = new FakeSocket();
    const source = new FakeSocket();
    const onStall = jest.fn();
    const sender = new BoundedSender(
      asWs(reader),
      new ReadValve(asWs(source)),
      { maxBufferedBytes: 10, stallTimeoutMs: 1000 },
      onStall,
    );
    sender.send('12345');
    expect(source.isPaused).toBe(false);
    sender.send('1234567890');
    expect(source.isPaused).toBe(true);
    reader.drain();
    expect(source.isPaused).toBe(false);
    jest.advanceTimersByTime(2000);
    expect(onStall).not.toHaveBeenCalled();
  });

  it('reports a stall when the reader stays over the bound', () => {
    const reader = new FakeSocket();
    const onStall = jest.fn();
    const sender = new BoundedSender(
      asWs(reader),
      new ReadValve(asWs(new FakeSocket())),
      { maxBufferedBytes: 10, stallTimeoutMs: 1000 },
      onStall,
    );
    sender.send('x'.repeat(20));
    jest.advanceTimersByTime(999);
    expect(onStall).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1);
    expect(onStall).toHaveBeenCalledTimes(1);
  });

  it('sends nothing to a closed reader', () => {
    const reader = new FakeSocket();
    reader.readyState = WebSocket.CLOSED;
    new BoundedSender(
      asWs(reader),
      new ReadValve(asWs(new FakeSocket())),
      {
        maxBufferedBytes: 10,
        stallTimeoutMs: 10,
      },
      jest.fn(),
    ).send('x');
    expect(reader.sent).toEqual([]);
  });
});

describe('keepAlive', () => {
  it('pings, and terminates a client that did not answer the previous ping', () => {
    const socket = new FakeSocket();
    keepAlive(asWs(socket), { pingIntervalMs: 100, idleTimeoutMs: 0 });
    jest.advanceTimersByTime(100);
    expect(socket.pings).toBe(1);
    socket.emit('pong');
    jest.advanceTimersByTime(100);
    expect(socket.pings).toBe(2);
    expect(socket.terminated).toBe(false);
    jest.advanceTimersByTime(100);
    expect(socket.terminated).toBe(true);
  });

  it('closes 1001 after the idle timeout, counted from the last data frame', () => {
    const socket = new FakeSocket();
    const activity = keepAlive(asWs(socket), { pingIntervalMs: 0, idleTimeoutMs: 1000 });
    jest.advanceTimersByTime(750);
    activity.touch();
    jest.advanceTimersByTime(750);
    expect(socket.closedWith).toBeUndefined();
    jest.advanceTimersByTime(500);
    expect(socket.closedWith).toEqual([1001, 'idle timeout']);
  });
});

describe('holdToToken', () => {
  const watch = (acceptedUntil: number, recheck: () => Promise<void>) => ({
    identity: { subject: 's', roles: [] },
    acceptedUntil,
    recheck,
  });

  it('closes 1008 when the token expires', () => {
    const socket = new FakeSocket();
    const close = jest.fn();
    holdToToken(
      close,
      asWs(socket),
      watch(Date.now() + 2000, async () => undefined),
      60_000,
      silent,
    );
    jest.advanceTimersByTime(1999);
    expect(close).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1);
    expect(close).toHaveBeenCalledWith(1008, 'token expired');
  });

  it('closes 1008 at the first recheck that finds the token revoked', async () => {
    const socket = new FakeSocket();
    const close = jest.fn();
    let revoked = false;
    holdToToken(
      close,
      asWs(socket),
      watch(Infinity, async () => {
        if (revoked) throw new InvalidTokenError('token revoked');
      }),
      5000,
      silent,
    );
    await jest.advanceTimersByTimeAsync(5000);
    expect(close).not.toHaveBeenCalled();
    revoked = true;
    await jest.advanceTimersByTimeAsync(5000);
    expect(close).toHaveBeenCalledWith(1008, 'token revoked');
  });

  it('closes 1013 when the deny-list cannot be read (fail closed)', async () => {
    const close = jest.fn();
    holdToToken(
      close,
      asWs(new FakeSocket()),
      watch(Infinity, () => Promise.reject(ToolkitError.unavailable('down'))),
      1000,
      silent,
    );
    await jest.advanceTimersByTimeAsync(1000);
    expect(close).toHaveBeenCalledWith(1013, 'token revocation list unavailable');
  });

  it('stops checking once the socket is closed', async () => {
    const socket = new FakeSocket();
    const recheck = jest.fn(async () => undefined);
    holdToToken(jest.fn(), asWs(socket), watch(Date.now() + 10_000, recheck), 1000, silent);
    socket.close(1000, '');
    await jest.advanceTimersByTimeAsync(20_000);
    expect(recheck).not.toHaveBeenCalled();
  });
});
