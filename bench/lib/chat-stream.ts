import { join } from 'node:path';
import { loadSync, MethodDefinition, ServiceDefinition } from '@grpc/proto-loader';
import { BASELINE_LOADER_OPTIONS, PROTO_ROOT } from '../baselines/proto-loading';
import { callerToken } from '../load/caller-token';
import { CallerTokenSigning } from '../load/jobs';

/** chat-service's server-streaming `StreamMessages`: its gRPC path and request serializer. */
export interface StreamMethod {
  path: string;
  serialize: (request: { room_id: string; user_id: string }) => Buffer;
}

/**
 * `chatservice.ChatService/StreamMessages` from the repository's proto, or why the streaming
 * scenario cannot run (no such method yet, or not a server stream).
 */
export function chatStreamMethod(): StreamMethod | string {
  const definition = loadSync(
    join(PROTO_ROOT, 'chatservice', 'chat-service.proto'),
    BASELINE_LOADER_OPTIONS,
  );
  const method = (definition['chatservice.ChatService'] as ServiceDefinition | undefined)
    ?.StreamMessages as MethodDefinition<object, object> | undefined;
  if (!method) {
    return 'proto/chatservice/chat-service.proto has no StreamMessages rpc yet (it comes with the streaming work; the scenario runs once that is merged)';
  }
  if (!method.responseStream || method.requestStream) {
    return 'chat-service StreamMessages is not a server-streaming rpc';
  }
  return { path: method.path, serialize: (request) => method.requestSerialize(request) };
}

/** Creates a room (creator + participants) through chat-service's HTTP API; its id. */
export async function createChatRoom(
  baseUrl: string,
  creator: string,
  participants: string[],
  callers: CallerTokenSigning,
): Promise<string> {
  const response = await fetch(`${baseUrl}/chat/rooms`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-caller-token': await callerToken(callers, creator),
    },
    body: JSON.stringify({
      name: 'bench stream',
      creator_id: creator,
      participant_ids: participants,
    }),
  });
  const body = (await response.json()) as { room_id?: unknown };
  if (!response.ok || typeof body.room_id !== 'string') {
    throw new Error(`POST /chat/rooms: ${response.status} ${JSON.stringify(body)}`);
  }
  return body.room_id;
}
