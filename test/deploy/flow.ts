import { TestSocket } from '../support/ws-client';
import { bearerFor, eventually } from './system';

interface Json {
  status: number;
  body: Record<string, unknown>;
}

async function call(url: string, init: RequestInit = {}): Promise<Json> {
  const response = await fetch(url, init);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/**
 * The newcomer's flow, through the gateway only: create a user (public), find the welcome email in
 * the user's notification history (user.created crossed the queue), create a room and chat over
 * the gateway's WebSocket relay. Asserts every step with jest's `expect`.
 */
export async function runUserFlow(gatewayPort: number): Promise<void> {
  const gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
  const email = `ada-${Date.now()}-${Math.random().toString(16).slice(2)}@example.com`;
  const created = await call(`${gatewayUrl}/api/v1/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Ada Lovelace', email, password: 'correct horse battery' }),
  });
  expect(created).toMatchObject({ status: 200, body: { status: 'created' } });
  const userId = String(created.body.user_id);
  const token = await bearerFor(userId);
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };

  const welcome = await eventually(async () => {
    const history = await call(`${gatewayUrl}/api/v1/notifications/history/${userId}?limit=10`, {
      headers,
    });
    expect(history.status).toBe(200);
    const notifications = history.body.notifications as Record<string, unknown>[];
    return notifications.find((notification) => notification.status === 'sent');
  }, 'the welcome notification to be sent');
  expect(welcome).toMatchObject({
    user_id: userId,
    type: 'email',
    subject: 'Welcome to our platform!',
    message: 'Hi Ada Lovelace, welcome to our platform!',
  });

  const room = await call(`${gatewayUrl}/api/v1/chat/rooms`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ name: 'general', creator_id: userId, participant_ids: [] }),
  });
  expect(room).toMatchObject({ status: 200, body: { status: 'created' } });
  const roomId = String(room.body.room_id);

  const socket = await TestSocket.open(
    gatewayPort,
    `/api/v1/chat/rooms/${roomId}/join?user_id=${userId}`,
    { headers: { authorization: `Bearer ${token}` } },
  );
  try {
    expect(await socket.next()).toMatchObject({
      type: 'JoinRoom',
      payload: { status: 'joined' },
    });
    const sent = await call(`${gatewayUrl}/api/v1/chat/rooms/${roomId}/messages`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ user_id: userId, message: 'hello, world', message_type: 'text' }),
    });
    expect(sent.status).toBe(200);
    expect(await socket.next()).toMatchObject({
      type: 'message',
      payload: {
        message_id: sent.body.message_id,
        room_id: roomId,
        user_id: userId,
        message: 'hello, world',
      },
    });
  } finally {
    await socket.close();
  }
}
