import type { MethodDefinition, ServiceDefinition } from '@grpc/grpc-js';
import { encodeFrozenOnce } from './frozen-values';

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
      ? { ...method, responseSerialize: encodeFrozenOnce(method.responseSerialize) }
      : method;
  }
  return shared as ServiceDefinition;
}
