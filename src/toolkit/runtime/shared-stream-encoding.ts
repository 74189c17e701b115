import type { MethodDefinition, ServiceDefinition } from '@grpc/grpc-js';
import { isDeeplyFrozen } from './frozen-values';

/**
 * A server stream often writes one message object to many calls (a fan-out: every subscriber of
 * a room gets the same message), and grpc-js encodes each write on its own. For the
 * server-streaming methods of `definition`, a deeply frozen response (`deepFreeze`) is encoded
 * once and its bytes reused for every later write of the same object; grpc-js only copies them
 * into each call's frame. Frozen for good means the bytes cannot go stale. Anything else is
 * encoded per write, as before. The cache is per method and weak: it lives as long as the
 * message objects do.
 * @internal
 */
export function withSharedStreamEncoding(definition: ServiceDefinition): ServiceDefinition {
  const shared: Record<string, MethodDefinition<unknown, unknown>> = {};
  for (const [name, method] of Object.entries(definition)) {
    shared[name] = method.responseStream
      ? { ...method, responseSerialize: encodeOnce(method) }
      : method;
  }
  return shared as ServiceDefinition;
}

function encodeOnce(method: MethodDefinition<unknown, unknown>): (value: unknown) => Buffer {
  return encodeFrozenOnce(method.responseSerialize);
}

/**
 * `encode`, remembering the result for each deeply frozen object it is given (weakly: for as long
 * as the object lives), so that a message fanned out to many streams is encoded once. Anything
 * that can still change is encoded on every call.
 * @internal
 */
export function encodeFrozenOnce<Encoded>(
  encode: (value: unknown) => Encoded,
): (value: unknown) => Encoded {
  const encoded = new WeakMap<object, Encoded>();
  return (value) => {
    if (typeof value !== 'object' || value === null) return encode(value);
    const known = encoded.get(value);
    if (known !== undefined) return known;
    const result = encode(value);
    if (isDeeplyFrozen(value)) encoded.set(value, result);
    return result;
  };
}
