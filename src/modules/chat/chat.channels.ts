/** The realtime channel every socket joined to `roomId` listens on, on every instance. */
export function roomChannel(roomId: string): string {
  return `room:${roomId}`;
}

/** Frame types of the chat socket (src/modules/chat/README.md lists the frames). */
export const ChatFrameType = {
  /** Server → client, first frame: `{"status":"joined","connection_id":...}`. */
  JOINED: 'JoinRoom',
  /** Server → client: one new message of the room, as protojson `ChatMessage`. */
  MESSAGE: 'message',
  /** Client → server: a message to post; server → client: its `SendMessageResponse`. */
  SEND_MESSAGE: 'SendMessage',
} as const;
