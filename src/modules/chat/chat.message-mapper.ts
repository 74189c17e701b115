import type { ChatMessage } from '../../gen/chatservice/chat-service';
import type { DescriptorRegistry } from '../../toolkit/descriptor';
import { encodeJson, toTimestamp } from '../../toolkit/protojson';
import { MessageEntity } from './message.entity';

/** The `ChatMessage` message of a stored message. */
export function toChatMessage(message: MessageEntity): ChatMessage {
  return {
    message_id: message.id,
    room_id: message.roomId,
    user_id: message.userId,
    message: message.message,
    message_type: message.messageType,
    timestamp: toTimestamp(message.createdAt),
  };
}

/** A stored message as protojson (snake_case, RFC 3339 timestamp): the payload of `message` frames. */
export function chatMessageJson(types: DescriptorRegistry, message: MessageEntity): unknown {
  return encodeJson(types, 'chatservice.ChatMessage', { ...toChatMessage(message) });
}
