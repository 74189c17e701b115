import { join } from 'node:path';
import {
  GrpcObject,
  loadPackageDefinition,
  Metadata,
  Server,
  ServerCredentials,
  ServerWritableStream,
  ServiceClientConstructor,
  status,
} from '@grpc/grpc-js';
import { loadSync, MethodDefinition, ServiceDefinition } from '@grpc/proto-loader';
import Fastify, { FastifyReply } from 'fastify';
import Redis from 'ioredis';
import { jwtVerify } from 'jose';
import { Pool } from 'pg';
import {
  BaselineMetrics,
  createAccessLogger,
  intEnv,
  observabilityOn,
  observeRequests,
  requiredEnv,
  rfc3339,
  stopOnSignal,
  TimestampMessage,
  timestampOf,
  UUID_PATTERN,
} from './common';
import { BASELINE_LOADER_OPTIONS, PROTO_ROOT } from './proto-loading';
import { errorBody } from './user-store';

/**
 * Plain baseline of chat-service's server stream, written by hand with grpc-js + Fastify + pg +
 * ioredis, doing the project's work: `ChatService/StreamMessages` checks the caller token, that
 * the caller is the requested user and a member of the room (one query), then holds the call
 * open; `POST /chat/rooms/{room_id}/messages` checks the caller token and the message, checks
 * membership, inserts the row (same statement as chat-service) and publishes it on the room's
 * Redis channel as chat-service's `message` frame (protojson payload); every frame published there
 * is parsed once and written to every open stream of its room, from the Redis subscription (as
 * chat-service's realtime fan-out delivers). Writes do not wait for
 * 'drain' (what one writes by hand). Access log line per POST and per stream end, metrics, unless
 * `BENCH_OBSERVABILITY=off`. Runs on chat-service's tables (its migrations made them).
 */
interface ChatMessage {
  message_id: string;
  room_id: string;
  user_id: string;
  message: string;
  message_type: string;
  timestamp: TimestampMessage;
}
/** What travels on the room's channel: chat-service's `message` frame, protojson payload. */
type ChatMessageJson = Omit<ChatMessage, 'timestamp'> & { timestamp: string };
interface StreamRequest {
  room_id: string;
  user_id: string;
}

const MESSAGE_TYPES = new Set(['text', 'image', 'file']);
const channelPrefix = requiredEnv('BENCH_REDIS_PREFIX');
const key = new TextEncoder().encode(requiredEnv('BENCH_INTERNAL_SECRET'));
const audience = requiredEnv('BENCH_INTERNAL_AUDIENCE');
const observed = observabilityOn();
const logger = observed ? createAccessLogger('baseline-chat-stream') : undefined;
const metrics = observed ? new BaselineMetrics('baseline-chat-stream') : undefined;
const pool = new Pool({
  host: '127.0.0.1',
  user: 'postgres',
  database: requiredEnv('BENCH_PG_DATABASE'),
  max: 10,
});
const publisher = new Redis({ host: '127.0.0.1', port: 6379 });
const subscriber = new Redis({ host: '127.0.0.1', port: 6379 });

const definition = loadSync(
  join(PROTO_ROOT, 'chatservice', 'chat-service.proto'),
  BASELINE_LOADER_OPTIONS,
);
const ChatService = (loadPackageDefinition(definition).chatservice as GrpcObject)
  .ChatService as ServiceClientConstructor;
const streamMethod = (definition['chatservice.ChatService'] as ServiceDefinition).StreamMessages as
  MethodDefinition<object, object> | undefined;
if (!streamMethod?.responseStream || streamMethod.requestStream) {
  console.error('proto/chatservice/chat-service.proto has no server-streaming StreamMessages');
  process.exit(2);
}
/** ChatMessage itself, or the one field of the response message that carries it. */
const wrapperField = ((): string | undefined => {
  const type = streamMethod.responseType.type as
    { name?: string; field?: { name: string; typeName?: string }[] } | undefined;
  if (type?.name === 'ChatMessage') return undefined;
  const field = type?.field?.find((candidate) => candidate.typeName?.endsWith('.ChatMessage'));
  if (!field) {
    console.error(`StreamMessages answers ${type?.name}, which carries no ChatMessage`);
    process.exit(2);
  }
  return field.name;
})();

/** The identity an internal caller token asserts, as chat-service's CallerTokens checks it. */
async function callerOf(token: unknown): Promise<string | undefined> {
  if (typeof token !== 'string' || token === '') return undefined;
  try {
    const { payload } = await jwtVerify(token, key, {
      algorithms: ['HS256'],
      audience,
      clockTolerance: 5,
      maxTokenAge: 65,
      requiredClaims: ['sub', 'exp', 'iat'],
    });
    return payload.sub;
  } catch {
    return undefined;
  }
}

async function membership(
  roomId: string,
  userId: string,
): Promise<'member' | 'not-member' | 'no-room'> {
  const result = await pool.query<{ member: boolean }>(
    `SELECT r.creator_id = $2
              OR EXISTS (SELECT 1 FROM chat_room_participants p
                          WHERE p.room_id = r.id AND p.user_id = $2) AS member
       FROM chat_rooms r
      WHERE r.id = $1`,
    [roomId, userId],
  );
  if (result.rows.length === 0) return 'no-room';
  return result.rows[0].member ? 'member' : 'not-member';
}

type Subscriber = ServerWritableStream<StreamRequest, unknown>;
const rooms = new Map<string, Set<Subscriber>>();

subscriber.on('pmessage', (_pattern: string, channel: string, raw: string) => {
  const open = rooms.get(channel.slice(channelPrefix.length + 'room:'.length));
  if (!open || open.size === 0) return;
  const frame = JSON.parse(raw) as { type?: string; payload?: ChatMessageJson };
  if (frame.type !== 'message' || frame.payload === undefined) return;
  const message: ChatMessage = {
    ...frame.payload,
    timestamp: timestampOf(frame.payload.timestamp),
  };
  const answer = wrapperField === undefined ? message : { [wrapperField]: message };
  for (const call of open) call.write(answer);
});

function streamMessages(call: Subscriber): void {
  const started = process.hrtime.bigint();
  let sent = 0;
  const finish = (code: string): void => {
    if (!metrics || !logger) return;
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    metrics.observe('StreamMessages', code, seconds);
    logger.info(
      {
        rpc: 'StreamMessages',
        code,
        messages_out: sent,
        duration_ms: Math.round(seconds * 1e6) / 1e3,
      },
      'stream completed',
    );
  };
  const refuse = (code: status, name: string, details: string): void => {
    finish(name);
    call.emit('error', { code, details, metadata: new Metadata() });
  };
  const { room_id: roomId, user_id: userId } = call.request;
  if (!UUID_PATTERN.test(roomId) || !UUID_PATTERN.test(userId)) {
    refuse(status.INVALID_ARGUMENT, 'INVALID_ARGUMENT', 'room_id and user_id must be UUIDs');
    return;
  }
  const room = roomId.toLowerCase();
  const user = userId.toLowerCase();
  void (async () => {
    const caller = await callerOf(call.metadata.get('x-caller-token')[0]);
    if (caller === undefined)
      return refuse(status.UNAUTHENTICATED, 'UNAUTHENTICATED', 'a verified caller is required');
    if (caller.toLowerCase() !== user)
      return refuse(status.PERMISSION_DENIED, 'PERMISSION_DENIED', `may not act for ${user}`);
    const standing = await membership(room, user);
    if (standing === 'no-room')
      return refuse(status.NOT_FOUND, 'NOT_FOUND', `room ${room} not found`);
    if (standing === 'not-member')
      return refuse(status.PERMISSION_DENIED, 'PERMISSION_DENIED', `${user} is not a member`);
    let open = rooms.get(room);
    if (!open) rooms.set(room, (open = new Set()));
    const subscribers = open;
    const originalWrite = call.write.bind(call);
    call.write = ((chunk: unknown) => {
      sent += 1;
      return originalWrite(chunk);
    }) as Subscriber['write'];
    subscribers.add(call);
    call.once('cancelled', () => {
      subscribers.delete(call);
      finish('CANCELLED');
    });
  })().catch((error: unknown) =>
    refuse(status.INTERNAL, 'INTERNAL', error instanceof Error ? error.message : String(error)),
  );
}

const app = Fastify({ logger: false });
observeRequests(app, metrics && logger && { metrics, logger });

app.get('/_healthz/readiness', async () => ({ status: 'ok' }));

app.post<{
  Params: { room_id: string };
  Body: { user_id?: unknown; message?: unknown; message_type?: unknown };
}>('/chat/rooms/:room_id/messages', async (request, reply: FastifyReply) => {
  reply.type('application/json');
  const caller = await callerOf(request.headers['x-caller-token']);
  if (caller === undefined)
    return reply.code(401).send(errorBody('UNAUTHENTICATED', 'a verified caller is required'));
  const { user_id: userId, message, message_type: messageType } = request.body ?? {};
  const roomId = request.params.room_id;
  if (
    !UUID_PATTERN.test(roomId) ||
    typeof userId !== 'string' ||
    !UUID_PATTERN.test(userId) ||
    typeof message !== 'string' ||
    message.length < 1 ||
    message.length > 1000 ||
    typeof messageType !== 'string' ||
    !MESSAGE_TYPES.has(messageType)
  ) {
    return reply.code(400).send(errorBody('INVALID_ARGUMENT', 'invalid message'));
  }
  const room = roomId.toLowerCase();
  const user = userId.toLowerCase();
  if (caller.toLowerCase() !== user)
    return reply.code(403).send(errorBody('PERMISSION_DENIED', `may not act for ${user}`));
  const standing = await membership(room, user);
  if (standing === 'no-room')
    return reply.code(404).send(errorBody('NOT_FOUND', `room ${room} not found`));
  if (standing === 'not-member')
    return reply.code(403).send(errorBody('PERMISSION_DENIED', `${user} is not a member`));
  const inserted = await pool.query<{ id: string; created_at: Date }>(
    `INSERT INTO chat_messages (room_id, user_id, message, message_type)
     VALUES ($1, $2, $3, $4)
     RETURNING id, created_at`,
    [room, user, message, messageType],
  );
  const { id, created_at: createdAt } = inserted.rows[0];
  const millis = createdAt.getTime();
  const seconds = Math.floor(millis / 1000);
  const timestamp = { seconds: String(seconds), nanos: (millis - seconds * 1000) * 1_000_000 };
  const stored: ChatMessageJson = {
    message_id: id,
    room_id: room,
    user_id: user,
    message,
    message_type: messageType,
    timestamp: rfc3339(timestamp),
  };
  await publisher.publish(
    `${channelPrefix}room:${room}`,
    JSON.stringify({ type: 'message', payload: stored }),
  );
  return reply.send(JSON.stringify({ message_id: id, timestamp: rfc3339(timestamp) }));
});

const server = new Server();
server.addService(ChatService.service, { StreamMessages: streamMessages });

stopOnSignal(async () => {
  for (const open of rooms.values()) for (const call of open) call.end();
  server.forceShutdown();
  await app.close();
  await pool.end();
  publisher.disconnect();
  subscriber.disconnect();
});

async function start(): Promise<void> {
  await subscriber.psubscribe(`${channelPrefix.replace(/[*?[\]\\]/g, '\\$&')}room:*`);
  await new Promise<void>((resolve, reject) =>
    server.bindAsync(
      `127.0.0.1:${intEnv('BENCH_GRPC_PORT', 0)}`,
      ServerCredentials.createInsecure(),
      (error) => (error ? reject(error) : resolve()),
    ),
  );
  await app.listen({ host: '127.0.0.1', port: intEnv('BENCH_PORT', 0) });
}

start().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
