import { status as GrpcStatus } from '@grpc/grpc-js';
import { RealtimeFrame } from './realtime.types';

/** `publish` could not hand the frame to the fan-out backend; nobody received it. @publicApi */
export class RealtimeUnavailableError extends Error {
  constructor(
    readonly backend: string,
    readonly reason: string,
  ) {
    super(`realtime fan-out unavailable (${backend}): ${reason}`);
    this.name = 'RealtimeUnavailableError';
  }
}

/** Payload of an `error` frame. @publicApi */
export interface ErrorFramePayload {
  /** gRPC status name, e.g. `INVALID_ARGUMENT`. */
  code: string;
  message: string;
}

/** Builds `{"type":"error","payload":{code,message}}`. @publicApi */
export function errorFrame(code: string, message: string): RealtimeFrame<ErrorFramePayload> {
  return { type: 'error', payload: { code, message } };
}

/**
 * Turns whatever a frame handler threw into an error frame. Errors carrying a gRPC status
 * (numeric `code`, as toolkit and grpc-js errors do) or a status name keep their code and
 * message; anything else is INTERNAL with a generic message, so internals never reach clients.
 */
export function errorFrameFrom(error: unknown): RealtimeFrame<ErrorFramePayload> {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const { code } = error;
    const message =
      'message' in error && typeof error.message === 'string' ? error.message : 'request failed';
    if (typeof code === 'number' && typeof GrpcStatus[code] === 'string') {
      return errorFrame(GrpcStatus[code], message);
    }
    if (typeof code === 'string' && code in GrpcStatus && Number.isNaN(Number(code))) {
      return errorFrame(code, message);
    }
  }
  return errorFrame('INTERNAL', 'internal error');
}
