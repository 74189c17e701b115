import type { MethodDefinition, ServiceDefinition } from '@grpc/grpc-js';
import { deepFreeze } from './frozen-values';
import { withSharedStreamEncoding } from './shared-stream-encoding';

function method(responseStream: boolean): MethodDefinition<unknown, unknown> {
  return {
    path: '/test.Service/Method',
    requestStream: false,
    responseStream,
    requestSerialize: (value: unknown) => Buffer.from(JSON.stringify(value)),
    requestDeserialize: (bytes: Buffer) => JSON.parse(bytes.toString()) as unknown,
    responseSerialize: jest.fn((value: unknown) => Buffer.from(JSON.stringify(value))),
    responseDeserialize: (bytes: Buffer) => JSON.parse(bytes.toString()) as unknown,
  };
}

function definitionOf(methods: Record<string, MethodDefinition<unknown, unknown>>) {
  return methods as unknown as ServiceDefinition;
}

describe('withSharedStreamEncoding', () => {
  it('encodes a deeply frozen server-stream message once for every call it is written to', () => {
    const original = method(true);
    const { Watch } = withSharedStreamEncoding(definitionOf({ Watch: original }));
    const message = deepFreeze({ id: 'm1', timestamp: { seconds: '1', nanos: 0 } });
    const written = [1, 2, 3].map(() => Watch.responseSerialize(message));
    expect(original.responseSerialize).toHaveBeenCalledTimes(1);
    expect(written.map((bytes) => bytes.toString())).toEqual(
      Array(3).fill(JSON.stringify(message)),
    );
  });

  it('encodes every write of a message that can still change (its bytes could go stale)', () => {
    const original = method(true);
    const { Watch } = withSharedStreamEncoding(definitionOf({ Watch: original }));
    const reused = { id: 'm1', timestamp: { seconds: '1', nanos: 0 } };
    expect(Watch.responseSerialize(reused).toString()).toContain('"m1"');
    reused.id = 'm2';
    expect(Watch.responseSerialize(reused).toString()).toContain('"m2"');
    const shallow = Object.freeze({ id: 'm3', timestamp: { seconds: '1', nanos: 0 } });
    Watch.responseSerialize(shallow);
    shallow.timestamp.nanos = 7;
    expect(Watch.responseSerialize(shallow).toString()).toContain('"nanos":7');
    expect(original.responseSerialize).toHaveBeenCalledTimes(4);
  });

  it('leaves unary and client-streaming methods as they are', () => {
    const unary = method(false);
    const { Get } = withSharedStreamEncoding(definitionOf({ Get: unary }));
    expect(Get).toBe(unary);
  });
});
