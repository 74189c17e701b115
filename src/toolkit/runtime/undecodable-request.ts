import type { MethodDefinition, ServiceDefinition } from '@grpc/grpc-js';

const UNDECODABLE_REQUEST = Symbol('toolkit:undecodable-request');

/** What a handler receives instead of a message whose bytes did not decode. @internal */
export interface UndecodableRequest {
  readonly [UNDECODABLE_REQUEST]: string;
}

/** @internal */
export function isUndecodableRequest(value: unknown): value is UndecodableRequest {
  return typeof value === 'object' && value !== null && UNDECODABLE_REQUEST in value;
}

/** The decoder's reason, for the INVALID_ARGUMENT message. @internal */
export function undecodableReason(value: UndecodableRequest): string {
  return value[UNDECODABLE_REQUEST];
}

/**
 * grpc-js answers a request whose bytes fail to decode with INTERNAL before any interceptor or
 * handler sees it. Malformed input is the client's fault, so each method of the service gets a
 * deserializer that hands the handler a marker instead; the validation guard turns it into
 * INVALID_ARGUMENT.
 * @internal
 */
export function withTolerantDeserializers(definition: ServiceDefinition): ServiceDefinition {
  const tolerant: Record<string, MethodDefinition<unknown, unknown>> = {};
  for (const [name, method] of Object.entries(definition)) {
    const { requestDeserialize } = method;
    tolerant[name] = {
      ...method,
      requestDeserialize: (bytes: Buffer) => {
        try {
          return requestDeserialize(bytes);
        } catch (error) {
          const reason = error instanceof Error ? error.message : String(error);
          return Object.freeze({ [UNDECODABLE_REQUEST]: reason });
        }
      },
    };
  }
  return tolerant as ServiceDefinition;
}
