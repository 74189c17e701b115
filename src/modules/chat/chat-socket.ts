import { Injectable } from '@nestjs/common';
import type { JoinRoomRequest, SendMessageResponse } from '../../gen/chatservice/chat-service';
import { InjectChatServiceRealtime } from '../../gen/chatservice/chat-service.toolkit';
import { RealtimeConnection, RealtimePlugin } from '../../plugins/realtime';
import { DescriptorRegistry } from '../../toolkit/descriptor';
import { ToolkitError } from '../../toolkit/errors';
import { decodeJson, encodeJson, ProtoJsonError, toTimestamp } from '../../toolkit/protojson';
import { nulViolations } from '../../toolkit/validation/nul-characters';
import { ActiveMembers } from './active-members';
import { ChatFrameType, roomChannel } from './chat.channels';
import { ChatService, normalizeId } from './chat.service';

const SEND_MESSAGE_REQUEST = 'chatservice.SendMessageRequest';

/**
 * One joined chat socket, from the accepted upgrade to its close: subscribes it to the room's
 * channel, counts it among the room's active members, answers the `JoinRoom` frame, and posts the
 * `SendMessage` frames it sends. Membership was checked before the upgrade.
 */
@Injectable()
export class ChatSockets {
  constructor(
    private readonly chat: ChatService,
    private readonly activeMembers: ActiveMembers,
    @InjectChatServiceRealtime() private readonly realtime: RealtimePlugin,
    private readonly types: DescriptorRegistry,
  ) {}

  /** Sets up an accepted connection; `request` is the validated join request of its upgrade. */
  async open(connection: RealtimeConnection, request: JoinRoomRequest): Promise<void> {
    const roomId = normalizeId(request.room_id);
    const userId = normalizeId(request.user_id);
    // Subscribed before the JoinRoom frame: a client may rely on seeing every message after it.
    this.realtime.subscribe(connection, roomChannel(roomId));
    await this.activeMembers.joined(roomId, userId);
    connection.onClosed(() => void this.activeMembers.left(roomId, userId));
    connection.onFrame(ChatFrameType.SEND_MESSAGE, (payload) =>
      this.post(connection, roomId, userId, payload),
    );
    connection.send({
      type: ChatFrameType.JOINED,
      payload: { status: 'joined', connection_id: connection.id },
    });
  }

  /**
   * A `SendMessage` frame: its payload is a `SendMessageRequest` whose room and user come from the
   * connection, validated by the same rules as the rpc. The sender gets the `SendMessageResponse`
   * as a `SendMessage` frame; everybody in the room, the sender included, gets the `message` push.
   * @throws ToolkitError INVALID_ARGUMENT (becomes an error frame; the connection stays open)
   */
  private async post(
    connection: RealtimeConnection,
    roomId: string,
    userId: string,
    payload: unknown,
  ): Promise<void> {
    const request: Record<string, unknown> = {
      ...decodeSendMessage(this.types, payload),
      room_id: roomId,
      user_id: userId,
    };
    const violations = [
      ...nulViolations(this.types, SEND_MESSAGE_REQUEST, request),
      ...(this.types.message(SEND_MESSAGE_REQUEST).validate?.(request) ?? []),
    ];
    if (violations.length > 0) {
      const summary = violations.map((violation) => `${violation.field}: ${violation.description}`);
      throw ToolkitError.invalidArgument(`invalid ${SEND_MESSAGE_REQUEST}: ${summary.join('; ')}`, {
        violations,
      });
    }
    const stored = await this.chat.sendMessage({
      roomId,
      userId,
      message: String(request.message),
      messageType: String(request.message_type),
    });
    const response: SendMessageResponse = {
      message_id: stored.id,
      timestamp: toTimestamp(stored.createdAt),
    };
    connection.send({
      type: ChatFrameType.SEND_MESSAGE,
      payload: encodeJson(this.types, 'chatservice.SendMessageResponse', { ...response }),
    });
  }
}

function decodeSendMessage(types: DescriptorRegistry, payload: unknown): Record<string, unknown> {
  try {
    return decodeJson(types, SEND_MESSAGE_REQUEST, payload);
  } catch (error) {
    if (error instanceof ProtoJsonError) {
      throw ToolkitError.invalidArgument(`invalid SendMessage payload: ${error.message}`);
    }
    throw error;
  }
}
