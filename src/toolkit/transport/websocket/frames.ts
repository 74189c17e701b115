import { Expose, plainToInstance } from 'class-transformer';
import { IsNotEmpty, IsString, validateSync } from 'class-validator';
import type { RawData } from 'ws';
import type { RealtimeFrame } from './websocket.types';

/**
 * The `{type, payload}` envelope every text frame of a toolkit WebSocket (a realtime hub's
 * sockets, the gateway's event socket) carries. No proto describes it, so its rules live here;
 * the payload is checked later by the handler `type` names (usually against a proto message).
 */
class FrameEnvelope {
  @Expose()
  @IsString({ message: 'frame "type" must be a non-empty string' })
  @IsNotEmpty({ message: 'frame "type" must be a non-empty string' })
  type!: string;
}

/**
 * Reads one client frame of the `{"type": ..., "payload": ...}` protocol that realtime hubs and
 * the gateway's event socket speak: a JSON text message with a non-empty string `type`. Never
 * throws.
 * @returns the frame, or `error` saying what is wrong with it (answered as INVALID_ARGUMENT).
 * @publicApi
 */
export function parseFrame(data: RawData, isBinary: boolean): RealtimeFrame | { error: string } {
  if (isBinary) return { error: 'binary frames are not supported; send JSON text' };
  let value: unknown;
  try {
    value = JSON.parse(rawText(data));
  } catch {
    return { error: 'frame is not valid JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { error: 'frame must be a JSON object {"type": ..., "payload": ...}' };
  }
  // Only the exposed `type` is copied onto the envelope: the payload, however large or nested,
  // is neither copied nor walked here, and stays exactly what the client sent.
  const envelope = plainToInstance(FrameEnvelope, value, { excludeExtraneousValues: true });
  const [problem] = validateSync(envelope);
  if (problem) return { error: Object.values(problem.constraints ?? {})[0] ?? 'invalid frame' };
  return { type: envelope.type, payload: (value as Record<string, unknown>).payload };
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}
