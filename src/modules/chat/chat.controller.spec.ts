import { RealtimeConnection } from '../../plugins/realtime';
import { GrpcStatus, ToolkitError } from '../../toolkit/errors';
import { CallContext } from '../../toolkit/pipeline';
import { WebSocketOpenHandler, WebSocketUpgrade } from '../../toolkit/transport';
import { ChatSockets } from './chat-socket';
import { ChatController } from './chat.controller';
import { ChatService } from './chat.service';

const REQUEST = {
  room_id: '7b1e6c2a-1f7e-4c41-9d3c-2a9a6f0b5e11',
  user_id: '0c9f3b8e-5d4a-4b1c-8e7f-6a5b4c3d2e1f',
};

const CALLER = { subject: REQUEST.user_id, roles: [] };

function setup() {
  const chat = {
    assertMember: jest.fn(),
    assertActsFor: jest.fn(),
  } as unknown as jest.Mocked<ChatService>;
  const sockets = { open: jest.fn() } as unknown as jest.Mocked<ChatSockets>;
  const openHandlers: WebSocketOpenHandler[] = [];
  const upgrade = {
    onOpen: jest.fn((handler: WebSocketOpenHandler) => openHandlers.push(handler)),
  } as unknown as WebSocketUpgrade;
  return { controller: new ChatController(chat, sockets), chat, sockets, upgrade, openHandlers };
}

describe('ChatController.joinRoom', () => {
  it('over gRPC answers joined with an empty connection id once membership is checked', async () => {
    const { controller, chat } = setup();
    chat.assertMember.mockResolvedValue();

    const call = { deadline: Date.now() + 60_000 } as CallContext;

    await expect(controller.joinRoom(REQUEST, undefined, CALLER, call)).resolves.toEqual({
      status: 'joined',
      connection_id: '',
    });
    expect(chat.assertActsFor).toHaveBeenCalledWith(CALLER, REQUEST.user_id);
    expect(chat.assertMember).toHaveBeenCalledWith(REQUEST.room_id, REQUEST.user_id, call);
  });

  it('on an upgrade hands the open connection to ChatSockets with the join request', async () => {
    const { controller, chat, sockets, upgrade, openHandlers } = setup();
    chat.assertMember.mockResolvedValue();
    await controller.joinRoom(REQUEST, upgrade, CALLER);
    expect(sockets.open).not.toHaveBeenCalled();

    const connection = { id: 'connection-1' } as RealtimeConnection;
    await openHandlers[0](connection);

    expect(sockets.open).toHaveBeenCalledWith(connection, REQUEST);
  });

  it('refuses the upgrade (throws) for a non-member and opens nothing', async () => {
    const { controller, chat, upgrade } = setup();
    chat.assertMember.mockRejectedValue(ToolkitError.permissionDenied('not a member'));

    await expect(controller.joinRoom(REQUEST, upgrade, CALLER)).rejects.toMatchObject({
      code: GrpcStatus.PERMISSION_DENIED,
    });
    expect(upgrade.onOpen).not.toHaveBeenCalled();
  });
});
