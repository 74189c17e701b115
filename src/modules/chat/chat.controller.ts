import {
  ChatMessage,
  CreateRoomRequest,
  CreateRoomResponse,
  GetMessageHistoryRequest,
  GetMessageHistoryResponse,
  JoinRoomRequest,
  JoinRoomResponse,
  SendMessageRequest,
  SendMessageResponse,
  StreamMessagesRequest,
} from '../../gen/chatservice/chat-service';
import {
  ChatServiceDescriptor,
  ChatServiceHandlers,
  ChatServiceRpc,
} from '../../gen/chatservice/chat-service.toolkit';
import { Call, CallContext } from '../../toolkit/pipeline';
import {
  RequestMessage,
  SocketUpgrade,
  ToolkitController,
  WebSocketUpgrade,
} from '../../toolkit/transport';
import { Caller } from '../../toolkit/auth/caller.decorator';
import { CallerIdentity } from '../../toolkit/auth/caller-identity';
import { ChatSockets } from './chat-socket';
import { toTimestamp } from '../../toolkit/protojson';
import { toChatMessage } from './chat.message-mapper';
import { ChatService } from './chat.service';

/**
 * Transport only: each method serves its rpc on gRPC and its google.api.http route, receives the
 * validated request message and the verified caller (`@Caller()`, from the gateway's signed
 * caller token) and maps between messages and the service's domain; the call goes along as the
 * service's `RequestScope` (its deadline, its logger).
 */
@ToolkitController(ChatServiceDescriptor)
export class ChatController implements ChatServiceHandlers {
  constructor(
    private readonly chat: ChatService,
    private readonly sockets: ChatSockets,
  ) {}

  /**
   * `GET /chat/rooms/{room_id}/join?user_id=` upgrades to the room's socket: membership is checked
   * before the handshake (unknown room 404, non-member 403), then the open socket is set up by
   * `ChatSockets` (JoinRoom frame with its connection id, `message` pushes, SendMessage frames).
   * Over gRPC a join cannot hold a socket: it answers whether the user may join, `joined` with an
   * empty connection id.
   */
  @ChatServiceRpc('JoinRoom')
  async joinRoom(
    @RequestMessage() request: JoinRoomRequest,
    @SocketUpgrade() upgrade?: WebSocketUpgrade,
    @Caller() caller?: CallerIdentity,
    @Call() call?: CallContext,
  ): Promise<JoinRoomResponse> {
    this.chat.assertActsFor(caller, request.user_id);
    await this.chat.assertMember(request.room_id, request.user_id, call);
    upgrade?.onOpen((connection) => this.sockets.open(connection, request));
    return { status: 'joined', connection_id: '' };
  }

  @ChatServiceRpc('SendMessage')
  async sendMessage(
    @RequestMessage() request: SendMessageRequest,
    @Caller() caller?: CallerIdentity,
    @Call() call?: CallContext,
  ): Promise<SendMessageResponse> {
    this.chat.assertActsFor(caller, request.user_id);
    const stored = await this.chat.sendMessage(
      {
        roomId: request.room_id,
        userId: request.user_id,
        message: request.message,
        messageType: request.message_type,
      },
      call,
    );
    return { message_id: stored.id, timestamp: toTimestamp(stored.createdAt) };
  }

  @ChatServiceRpc('GetMessageHistory')
  async getMessageHistory(
    @RequestMessage() request: GetMessageHistoryRequest,
    @Caller() caller?: CallerIdentity,
    @Call() call?: CallContext,
  ): Promise<GetMessageHistoryResponse> {
    const { room_id: roomId, limit, offset } = request;
    const page = await this.chat.history(roomId, limit, offset, caller, call);
    return { messages: page.messages.map(toChatMessage), total: page.total };
  }

  /**
   * `GET /chat/rooms/{room_id}/stream` (SSE / NDJSON) or the gRPC server stream: membership is
   * checked before the first message (unknown room 404, non-member 403), then every message
   * posted to the room from now on, by any instance, in order, until the client goes away.
   */
  @ChatServiceRpc('StreamMessages')
  streamMessages(
    @RequestMessage() request: StreamMessagesRequest,
    @Call() call: CallContext,
  ): AsyncIterable<ChatMessage> {
    // The service's generator itself, not one wrapped in another: a generator layer costs
    // promises on every message of every subscriber.
    return this.chat.streamMessages(request.room_id, request.user_id, call.signal);
  }

  @ChatServiceRpc('CreateRoom')
  async createRoom(
    @RequestMessage() request: CreateRoomRequest,
    @Call() call?: CallContext,
  ): Promise<CreateRoomResponse> {
    const room = await this.chat.createRoom(
      request.name,
      request.creator_id,
      request.participant_ids,
      call,
    );
    return { room_id: room.id, status: 'created' };
  }
}
