import { Expose, plainToInstance } from 'class-transformer';
import { IsNotEmpty, IsString, validateSync } from 'class-validator';

/**
 * The `{type, payload}` envelope every text frame of a toolkit WebSocket (a realtime hub's
 * sockets, the gateway's event socket) carries. No proto describes it, so its rules live here;
 * the payload is checked later by the handler `type` names (usually against a proto message).
 */
class SocketFrameEnvelope {
  @Expose()
  @IsString({ message: 'frame "type" must be a non-empty string' })
  @IsNotEmpty({ message: 'frame "type" must be a non-empty string' })
  type!: string;
}

/** A frame whose envelope is valid. @publicApi */
export interface SocketFrame {
  type: string;
  payload: unknown;
}

/** Why a frame was refused, worded for the client's error frame. @publicApi */
export interface SocketFrameProblem {
  error: string;
}

/**
 * Parses and validates one text frame: JSON, an object, a non-empty string `type`. Never throws;
 * a refused frame gives the reason, which callers answer as an INVALID_ARGUMENT error frame.
 * @publicApi
 */
export function parseSocketFrame(text: string): SocketFrame | SocketFrameProblem {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { error: 'frame is not valid JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { error: 'frame must be a JSON object {"type": ..., "payload": ...}' };
  }
  // Only the exposed `type` is copied onto the envelope: the payload, however large or nested,
  // is neither copied nor walked here, and stays exactly what the client sent.
  const envelope = plainToInstance(SocketFrameEnvelope, value, { excludeExtraneousValues: true });
  const [problem] = validateSync(envelope);
  if (problem) return { error: Object.values(problem.constraints ?? {})[0] ?? 'invalid frame' };
  return { type: envelope.type, payload: (value as Record<string, unknown>).payload };
}
