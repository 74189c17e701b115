import { Injectable } from '@nestjs/common';
import { InjectChatServiceRealtime } from '../../gen/chatservice/chat-service.toolkit';
import { RealtimeFrame, RealtimePlugin } from '../../plugins/realtime';
import { ADMIN_ROLE } from '../../toolkit/auth/admin-only.guard';
import { CallerIdentity } from '../../toolkit/auth/caller-identity';
import { errorReason, ToolkitError } from '../../toolkit/errors';
import { ChatFrameType, roomChannel } from './chat.channels';
import { chatMessageJson } from './chat.message-mapper';
import type { ChatMessage } from '../../gen/chatservice/chat-service';
import { DescriptorRegistry } from '../../toolkit/descriptor';
import { decodeJson } from '../../toolkit/protojson';
import { deepFreeze } from '../../toolkit/runtime/frozen-values';
import { ChatRepository, MessagePage, NewMessage } from './chat.repository';
import { MessageEntity } from './message.entity';
import { RoomEntity } from './room.entity';
import { ToolkitLogger } from '../../toolkit/runtime/toolkit-logger';
import { RequestScope, scopeLogger } from '../../toolkit/runtime/request-scope';

/** Messages a StreamMessages subscriber may fall behind before its stream is ended. */
const STREAM_BACKLOG = 1000;

/**
 * chat-service's logic: rooms, who may join and post (the creator and the participants), messages
 * stored then fanned out to the room's channel on every instance.
 *
 * Ids are UUIDs, valid in either case; they are lower-cased on the way in so that one room is one
 * channel and one presence key whichever spelling a client used.
 */
@Injectable()
export class ChatService {
  private readonly logger: ToolkitLogger;
  /**
   * The message of each `message` frame, decoded once for all of the room's streams on this
   * instance (they share the frame object) and frozen, so the gRPC server encodes it once too.
   */
  private readonly streamedMessages = new WeakMap<object, ChatMessage>();

  constructor(
    private readonly repository: ChatRepository,
    @InjectChatServiceRealtime() private readonly realtime: RealtimePlugin,
    logger: ToolkitLogger,
    private readonly types: DescriptorRegistry,
  ) {
    this.logger = logger.forContext(ChatService.name);
  }

  async createRoom(
    name: string,
    creatorId: string,
    participantIds: readonly string[],
    scope: RequestScope = {},
  ): Promise<RoomEntity> {
    const room = await this.repository.createRoom(
      name,
      normalizeId(creatorId),
      participantIds.map(normalizeId),
      scope,
    );
    this.logOf(scope).log(`room ${room.id} created by ${room.creatorId}`);
    return room;
  }

  /**
   * A call acts as its verified caller (the identity the gateway signed): naming another user
   * needs the admin role. Nothing the request says about who is calling is trusted by itself.
   * @throws ToolkitError UNAUTHENTICATED without a verified caller, PERMISSION_DENIED when
   *   `userId` is someone else.
   */
  assertActsFor(caller: CallerIdentity | undefined, userId: string): void {
    const verified = requireCaller(caller);
    if (normalizeId(verified.subject) === normalizeId(userId) || isAdmin(verified)) return;
    throw ToolkitError.permissionDenied(`the caller may not act for user ${normalizeId(userId)}`);
  }

  /**
   * Resolves when `userId` may join or post in `roomId`.
   * @throws ToolkitError NOT_FOUND for an unknown room, PERMISSION_DENIED for a non-member.
   */
  async assertMember(roomId: string, userId: string, scope: RequestScope = {}): Promise<void> {
    const room = normalizeId(roomId);
    const user = normalizeId(userId);
    const membership = await this.repository.membership(room, user, scope);
    if (membership === 'no-room') throw roomNotFound(room);
    if (membership === 'not-member') {
      throw ToolkitError.permissionDenied(`user ${user} is not a member of room ${room}`);
    }
  }

  /**
   * Stores the message, then publishes it to the room's channel. The stored message is the truth:
   * when the fan-out is unavailable the call still succeeds (history has the message) and the
   * failure is logged, since failing it would make clients resend a message that was kept.
   */
  async sendMessage(message: NewMessage, scope: RequestScope = {}): Promise<MessageEntity> {
    const normalized = {
      ...message,
      roomId: normalizeId(message.roomId),
      userId: normalizeId(message.userId),
    };
    await this.assertMember(normalized.roomId, normalized.userId, scope);
    const stored = await this.repository.addMessage(normalized);
    try {
      await this.realtime.publish(roomChannel(stored.roomId), {
        type: ChatFrameType.MESSAGE,
        payload: chatMessageJson(this.types, stored),
      });
    } catch (error) {
      this.logOf(scope).warn(
        `message ${stored.id} of room ${stored.roomId} stored but not broadcast: ${errorReason(error)}`,
      );
    }
    return stored;
  }

  /**
   * The messages posted to the room from the moment this resolves its membership check, as the
   * room's channel carries them (any instance, publish order). A reader more than
   * `STREAM_BACKLOG` messages behind ends with RESOURCE_EXHAUSTED rather than being buffered for.
   * @throws ToolkitError NOT_FOUND for an unknown room, PERMISSION_DENIED for a non-member.
   */
  async *streamMessages(
    roomId: string,
    userId: string,
    signal: AbortSignal,
  ): AsyncGenerator<ChatMessage> {
    const room = normalizeId(roomId);
    await this.assertMember(room, normalizeId(userId));
    const frames = this.realtime.stream(roomChannel(room), { limit: STREAM_BACKLOG, signal });
    for await (const frame of frames) {
      if (frame.type !== ChatFrameType.MESSAGE) continue;
      yield this.streamedMessage(frame);
    }
  }

  private streamedMessage(frame: Readonly<RealtimeFrame>): ChatMessage {
    let message = this.streamedMessages.get(frame);
    if (message === undefined) {
      message = deepFreeze(
        decodeJson(this.types, 'chatservice.ChatMessage', frame.payload) as unknown as ChatMessage,
      );
      this.streamedMessages.set(frame, message);
    }
    return message;
  }

  /**
   * A page of the room's messages, for a member (or an admin) only.
   * @throws ToolkitError UNAUTHENTICATED without a verified caller, NOT_FOUND for an unknown
   *   room, PERMISSION_DENIED for a caller who is not a member.
   */
  async history(
    roomId: string,
    limit: number,
    offset: number,
    caller: CallerIdentity | undefined,
    scope: RequestScope = {},
  ): Promise<MessagePage> {
    const verified = requireCaller(caller);
    const room = normalizeId(roomId);
    if (isAdmin(verified)) {
      if (!(await this.repository.roomExists(room, scope))) throw roomNotFound(room);
    } else {
      await this.assertMember(room, verified.subject, scope);
    }
    return this.repository.history(room, limit, offset, scope);
  }

  private logOf(scope: RequestScope): ToolkitLogger {
    return scopeLogger(scope, ChatService.name, this.logger);
  }
}

/** UUIDs are valid in either case; one spelling keeps channels and keys consistent. */
export function normalizeId(id: string): string {
  return id.toLowerCase();
}

function requireCaller(caller: CallerIdentity | undefined): CallerIdentity {
  if (caller === undefined) throw ToolkitError.unauthenticated('a verified caller is required');
  return caller;
}

function isAdmin(caller: CallerIdentity): boolean {
  return caller.roles.includes(ADMIN_ROLE);
}

function roomNotFound(roomId: string): ToolkitError {
  return ToolkitError.notFound(`room ${roomId} not found`);
}
