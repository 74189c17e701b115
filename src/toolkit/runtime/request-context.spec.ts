import {
  acceptRequestId,
  currentRequest,
  parseGrpcTimeout,
  RequestCancellation,
  runInRequestContext,
} from './request-context';

describe('request id and context', () => {
  it('keeps a sane incoming request id and replaces anything else', () => {
    expect(acceptRequestId('abc-123_x.y:z')).toBe('abc-123_x.y:z');
    expect(acceptRequestId('bad id\n')).toMatch(/^[0-9a-f-]{36}$/);
    expect(acceptRequestId('x'.repeat(200))).toMatch(/^[0-9a-f-]{36}$/);
    expect(acceptRequestId(undefined)).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('makes the request visible across awaits, and not outside', async () => {
    const context = {
      requestId: 'r1',
      transport: 'http' as const,
      rpc: 'Get',
      deadline: 0,
      headers: {},
    };
    await runInRequestContext(context, async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      expect(currentRequest()?.requestId).toBe('r1');
    });
    expect(currentRequest()).toBeUndefined();
  });

  it('parses grpc-timeout values', () => {
    expect(parseGrpcTimeout('100m')).toBe(100);
    expect(parseGrpcTimeout('2S')).toBe(2000);
    expect(parseGrpcTimeout('soon')).toBeUndefined();
  });

  it('aborts a signal built after the cancellation with the first reason', () => {
    const cancellation = new RequestCancellation();
    cancellation.abort(new Error('deadline'));
    cancellation.abort(new Error('client gone'));
    expect(cancellation.signal.aborted).toBe(true);
    expect((cancellation.signal.reason as Error).message).toBe('deadline');
  });

  it('aborts a signal a handler already holds, and tells its listeners once', () => {
    const cancellation = new RequestCancellation();
    const { signal } = cancellation;
    const listener = jest.fn();
    signal.addEventListener('abort', listener);
    expect(signal.aborted).toBe(false);
    cancellation.abort(new Error('client gone'));
    cancellation.abort(new Error('deadline'));
    expect(listener).toHaveBeenCalledTimes(1);
    expect((signal.reason as Error).message).toBe('client gone');
    expect(cancellation.signal).toBe(signal);
  });
});
