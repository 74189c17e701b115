import type { RawData } from 'ws';
import type { RealtimeFrame } from './websocket.types';

/**
 * Reads one client frame of the `{"type": ..., "payload": ...}` protocol that realtime hubs and
 * the gateway's event socket speak: a JSON text message with a non-empty string `type`.
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
  const { type, payload } = value as Record<string, unknown>;
  if (typeof type !== 'string' || type.length === 0) {
    return { error: 'frame "type" must be a non-empty string' };
  }
  return { type, payload };
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}
