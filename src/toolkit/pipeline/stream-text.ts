import type { HttpRule, MethodDescriptor } from '../descriptor';
import type { DescriptorRegistry } from '../descriptor/registry';
import { encodeFrozenOnce } from '../runtime/frozen-values';
import { encodeHttpResponse } from '../transport/transcode';

/**
 * The JSON text encoders of a method's streamed messages, one per HTTP rule (its bindings and, for
 * WebSocket streams, its primary rule). Built with the plan and shared by every call of the
 * method, so that one deeply frozen message written to many subscribers is turned into JSON once
 * per rule rather than once per subscriber. Unary methods get plain encoders: nothing of theirs is
 * written twice.
 * @internal
 */
export function compileStreamText(
  types: DescriptorRegistry,
  method: MethodDescriptor,
): (rule: HttpRule | undefined) => (message: unknown) => string {
  const encoderOf = (rule: HttpRule | undefined) => {
    const encode = (message: unknown) =>
      JSON.stringify(encodeHttpResponse(types, method, rule, message as Record<string, unknown>));
    return method.serverStreaming ? encodeFrozenOnce(encode) : encode;
  };
  const byRule = new Map<HttpRule | undefined, (message: unknown) => string>();
  for (const rule of [method.http, ...(method.http?.additionalBindings ?? [])]) {
    byRule.set(rule, encoderOf(rule));
  }
  return (rule) => byRule.get(rule) ?? encoderOf(rule);
}
