import * as grpc from '@grpc/grpc-js';
import { createNotificationServiceClient } from '../../src/gen/notificationservice/notification-service.toolkit';
import { ToolkitError } from '../../src/toolkit/errors';
import { preferencesCacheKey } from '../../src/modules/notification/preferences.service';
import {
  NotificationApp,
  SmtpReceiver,
  WebhookReceiver,
  randomUserId,
  startNotificationApp,
  startSmtpReceiver,
  startWebhookReceiver,
} from '../support/notification-app';
import { RabbitProbe, subscriptionQueueNames, uniqueName, waitFor } from '../support/rabbit';

type Method = 'SendNotification' | 'GetNotificationHistory' | 'UpdateNotificationPreferences';

/** A call's outcome on either transport: `OK` or the gRPC code name, and the answer body. */
interface Outcome {
  status: string;
  body: Record<string, unknown>;
}

const HTTP_TO_CODE: Record<number, string> = { 200: 'OK', 400: 'INVALID_ARGUMENT' };
const SMTP_FROM = 'notifications@test.example';
const EVENTS = ['user.created', 'user.updated', 'order.completed'];

interface HistoryEntry {
  notification_id: string;
  user_id: string;
  type: string;
  subject: string;
  message: string;
  status: string;
  created_at: unknown;
  sent_at: unknown;
}

describe('notification-service rpcs and delivery', () => {
  const exchange = uniqueName('notification-e2e');
  const serviceName = uniqueName('notification-service');
  let app: NotificationApp;
  let smtp: SmtpReceiver;
  let webhooks: WebhookReceiver;
  let client: ReturnType<typeof createNotificationServiceClient>;

  async function httpCall(method: Method, request: Record<string, unknown>): Promise<Outcome> {
    const { user_id, ...rest } = request;
    const base = app.running.httpUrl;
    const id = encodeURIComponent(String(user_id ?? ''));
    const json = (verb: string, body: unknown): RequestInit => ({
      method: verb,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    let response: Response;
    switch (method) {
      case 'SendNotification':
        response = await fetch(`${base}/notifications`, json('POST', request));
        break;
      case 'GetNotificationHistory': {
        const query = new URLSearchParams(
          Object.entries(rest).map(([key, value]): [string, string] => [key, String(value)]),
        );
        response = await fetch(`${base}/notifications/history/${id}?${query}`);
        break;
      }
      case 'UpdateNotificationPreferences':
        response = await fetch(`${base}/notifications/preferences/${id}`, json('PUT', rest));
        break;
    }
    return {
      status: HTTP_TO_CODE[response.status] ?? String(response.status),
      body: (await response.json()) as Record<string, unknown>,
    };
  }

  async function grpcCall(method: Method, request: Record<string, unknown>): Promise<Outcome> {
    const call = {
      SendNotification: (r: never) => client.sendNotification(r),
      GetNotificationHistory: (r: never) => client.getNotificationHistory(r),
      UpdateNotificationPreferences: (r: never) => client.updateNotificationPreferences(r),
    }[method];
    try {
      const response: object = await call(request as never);
      return { status: 'OK', body: { ...response } };
    } catch (error) {
      // The generated client rejects with a ToolkitError: the status code and message as sent.
      const { code, message } = error as ToolkitError;
      return { status: grpc.status[code], body: { message } };
    }
  }

  async function history(userId: string, limit = 100, offset = 0): Promise<HistoryEntry[]> {
    const outcome = await httpCall('GetNotificationHistory', { user_id: userId, limit, offset });
    expect(outcome.status).toBe('OK');
    return outcome.body.notifications as HistoryEntry[];
  }

  async function settled(userId: string, notificationId: string): Promise<HistoryEntry> {
    let entry: HistoryEntry | undefined;
    await waitFor(async () => {
      entry = (await history(userId)).find((n) => n.notification_id === notificationId);
      return entry !== undefined && entry.status !== 'queued';
    }, `notification ${notificationId} to settle`);
    return entry as HistoryEntry;
  }

  /** Records `email` as the user's address, as a user.created event would. */
  async function knownAddress(userId: string, email: string): Promise<void> {
    await app.database.query(
      `INSERT INTO notification_contacts (user_id, name, email, updated_at)
       VALUES ($1, 'Test', $2, now())
       ON CONFLICT (user_id) DO UPDATE SET email = EXCLUDED.email`,
      [userId, email],
    );
  }

  /**
   * Sends through HTTP. A `metadata.email` in the request is what the test means as the user's
   * known address: it is recorded as such first (the service itself never reads metadata.email).
   */
  async function send(request: Record<string, unknown>): Promise<{ id: string; status: string }> {
    const address = (request.metadata as Record<string, string> | undefined)?.email;
    if (address !== undefined) await knownAddress(request.user_id as string, address);
    const outcome = await httpCall('SendNotification', request);
    expect(outcome.status).toBe('OK');
    return {
      id: outcome.body.notification_id as string,
      status: outcome.body.status as string,
    };
  }

  beforeAll(async () => {
    smtp = await startSmtpReceiver();
    webhooks = await startWebhookReceiver();
    app = await startNotificationApp('notification_rpc', {
      exchange,
      serviceName,
      env: {
        NOTIFICATION_SERVICE_SMTP_HOST: '127.0.0.1',
        NOTIFICATION_SERVICE_SMTP_PORT: String(smtp.port),
        NOTIFICATION_SERVICE_SMTP_FROM: SMTP_FROM,
        NOTIFICATION_SERVICE_SMS_WEBHOOK_URL: `${webhooks.url}/sms`,
        NOTIFICATION_SERVICE_PUSH_WEBHOOK_URL: `${webhooks.url}/push`,
      },
    });
    client = createNotificationServiceClient(app.running.grpcTarget ?? '');
  });

  afterAll(async () => {
    client?.close();
    await app?.close();
    await smtp?.close();
    await webhooks?.close();
    const probe = await RabbitProbe.open();
    await probe.cleanUp(
      exchange,
      EVENTS.flatMap((event) => subscriptionQueueNames(serviceName, event)),
    );
    await probe.close();
  });

  describe('delivery', () => {
    it('answers queued at once, then sends the email over SMTP and records sent_at', async () => {
      const userId = randomUserId();
      const sent = await send({
        user_id: userId,
        type: 'email',
        subject: 'Hello there',
        message: 'A message body',
        metadata: { email: 'ann@example.com' },
      });
      expect(sent.status).toBe('queued');

      const entry = await settled(userId, sent.id);
      expect(entry).toMatchObject({ status: 'sent', type: 'email', subject: 'Hello there' });
      expect(typeof entry.sent_at).toBe('string');
      expect(Date.parse(entry.sent_at as string)).toBeGreaterThanOrEqual(
        Date.parse(entry.created_at as string),
      );
      const email = smtp.emails.find((received) => received.subject === 'Hello there');
      expect(email).toMatchObject({
        from: SMTP_FROM,
        to: ['ann@example.com'],
        text: 'A message body',
      });
    });

    it.each(['sms', 'push'])('POSTs %s notifications as JSON to their webhook', async (type) => {
      const userId = randomUserId();
      const outcome = await grpcCall('SendNotification', {
        user_id: userId,
        type,
        subject: `${type} subject`,
        message: `${type} message`,
        metadata: { device: 'd-1' },
      });
      expect(outcome).toMatchObject({ status: 'OK', body: { status: 'queued' } });
      const id = outcome.body.notification_id as string;

      expect((await settled(userId, id)).status).toBe('sent');
      expect(webhooks.received.filter((hook) => hook.body.notification_id === id)).toEqual([
        {
          path: `/${type}`,
          body: {
            notification_id: id,
            user_id: userId,
            type,
            subject: `${type} subject`,
            message: `${type} message`,
            metadata: { device: 'd-1' },
          },
        },
      ]);
    });

    it('retries a failing webhook DELIVERY_MAX_ATTEMPTS times, then marks the notification failed', async () => {
      webhooks.status.set('/push', 503);
      try {
        const userId = randomUserId();
        const { id } = await send({ user_id: userId, type: 'push', subject: 's', message: 'm' });

        const entry = await settled(userId, id);
        expect(entry.status).toBe('failed');
        expect(entry.sent_at).toBeNull();
        expect(webhooks.received.filter((hook) => hook.body.notification_id === id)).toHaveLength(
          3,
        );
      } finally {
        webhooks.status.delete('/push');
      }
    });

    it('fails at once when the webhook refuses the request (4xx)', async () => {
      webhooks.status.set('/sms', 422);
      try {
        const userId = randomUserId();
        const { id } = await send({ user_id: userId, type: 'sms', subject: 's', message: 'm' });

        expect((await settled(userId, id)).status).toBe('failed');
        expect(webhooks.received.filter((hook) => hook.body.notification_id === id)).toHaveLength(
          1,
        );
      } finally {
        webhooks.status.delete('/sms');
      }
    });

    it('fails an email at once when no address is known for the user, without touching SMTP', async () => {
      const userId = randomUserId();
      const before = smtp.emails.length;
      const { id } = await send({
        user_id: userId,
        type: 'email',
        subject: 'No one',
        message: 'm',
      });

      expect((await settled(userId, id)).status).toBe('failed');
      const [row] = await app.database.query<{ failure_reason: string; attempts: number }>(
        'SELECT failure_reason, attempts FROM notifications WHERE id = $1',
        [id],
      );
      expect(row).toEqual({
        failure_reason: expect.stringContaining('no e-mail address known') as string,
        attempts: 1,
      });
      expect(smtp.emails.length).toBe(before);
    });

    it('fails an email the SMTP server refuses with 550 after one attempt', async () => {
      smtp.refuse.add('gone@example.com');
      const userId = randomUserId();
      const { id } = await send({
        user_id: userId,
        type: 'email',
        subject: 'Refused',
        message: 'm',
        metadata: { email: 'gone@example.com' },
      });

      expect((await settled(userId, id)).status).toBe('failed');
      const [row] = await app.database.query<{ attempts: number }>(
        'SELECT attempts FROM notifications WHERE id = $1',
        [id],
      );
      expect(row.attempts).toBe(1);
    });
  });

  describe('preferences', () => {
    it('suppresses disabled channels and muted types or event types; other notifications go out', async () => {
      const userId = randomUserId();
      const updated = await httpCall('UpdateNotificationPreferences', {
        user_id: userId,
        preferences: {
          email_enabled: true,
          sms_enabled: false,
          push_enabled: true,
          muted_types: ['push', 'order_completed'],
        },
      });
      expect(updated).toEqual({ status: 'OK', body: { status: 'updated' } });

      const base = { user_id: userId, subject: 's', message: 'm' };
      expect((await send({ ...base, type: 'sms' })).status).toBe('suppressed');
      expect((await send({ ...base, type: 'push' })).status).toBe('suppressed');
      expect(
        (
          await send({
            ...base,
            type: 'email',
            metadata: { event_type: 'order_completed', email: 'a@example.com' },
          })
        ).status,
      ).toBe('suppressed');
      const allowed = await send({ ...base, type: 'email', metadata: { email: 'a@example.com' } });
      expect(allowed.status).toBe('queued');
      expect((await settled(userId, allowed.id)).status).toBe('sent');

      const statuses = (await history(userId)).map((entry) => entry.status);
      expect(statuses.filter((status) => status === 'suppressed')).toHaveLength(3);
    });

    it('caches preferences in Redis and invalidates them on update (the next send sees the change)', async () => {
      const userId = randomUserId();
      const key = `${app.keyPrefix}${preferencesCacheKey(userId)}`;
      const email = { user_id: userId, type: 'email', subject: 's', message: 'm' };

      expect((await send({ ...email, metadata: { email: 'c@example.com' } })).status).toBe(
        'queued',
      );
      expect(JSON.parse((await app.redis.get(key)) ?? 'null')).toMatchObject({
        emailEnabled: true,
        mutedTypes: [],
      });

      await grpcCall('UpdateNotificationPreferences', {
        user_id: userId,
        preferences: {
          email_enabled: false,
          sms_enabled: true,
          push_enabled: true,
          muted_types: [],
        },
      });
      expect(await app.redis.get(key)).toBeNull();
      expect((await send({ ...email, metadata: { email: 'c@example.com' } })).status).toBe(
        'suppressed',
      );
    });
  });

  describe('history', () => {
    it('lists a user’s notifications newest first with the total, paged by limit and offset', async () => {
      const userId = randomUserId();
      const other = randomUserId();
      const ids: string[] = [];
      for (let n = 0; n < 5; n += 1) {
        ids.push((await send({ user_id: userId, type: 'sms', subject: `n${n}`, message: 'm' })).id);
      }
      await send({ user_id: other, type: 'sms', subject: 'other', message: 'm' });

      const page = await grpcCall('GetNotificationHistory', {
        user_id: userId,
        limit: 2,
        offset: 1,
      });
      expect(page.status).toBe('OK');
      expect(page.body.total).toBe(5);
      expect((page.body.notifications as HistoryEntry[]).map((n) => n.notification_id)).toEqual([
        ids[3],
        ids[2],
      ]);
      const all = await history(userId.toUpperCase());
      expect(all.map((n) => n.subject)).toEqual(['n4', 'n3', 'n2', 'n1', 'n0']);
      expect(all[0]).toMatchObject({ user_id: userId, type: 'sms', message: 'm' });

      const empty = await httpCall('GetNotificationHistory', {
        user_id: randomUserId(),
        limit: 10,
        offset: 0,
      });
      expect(empty).toEqual({ status: 'OK', body: { notifications: [], total: 0 } });
    });
  });

  describe.each(['http', 'grpc'] as const)('validation over %s', (transport) => {
    const call = (method: Method, request: Record<string, unknown>) =>
      transport === 'http' ? httpCall(method, request) : grpcCall(method, request);
    const valid = {
      user_id: '',
      type: 'sms',
      subject: 's',
      message: 'm',
      metadata: {},
    };

    it.each([
      ['a user_id that is not a UUID', { user_id: 'not-a-uuid' }, 'user_id'],
      ['an unknown type', { type: 'fax' }, 'type'],
      ['an empty type', { type: '' }, 'type'],
      ['an empty subject', { subject: '' }, 'subject'],
      ['a 201-character subject', { subject: 'x'.repeat(201) }, 'subject'],
      ['an empty message', { message: '' }, 'message'],
      ['a 2001-character message', { message: 'x'.repeat(2001) }, 'message'],
    ])('SendNotification refuses %s', async (_, change, field) => {
      const outcome = await call('SendNotification', {
        ...valid,
        user_id: randomUserId(),
        ...change,
      });
      expect(outcome.status).toBe('INVALID_ARGUMENT');
      expect(String(outcome.body.message)).toContain(field);
    });

    it('SendNotification accepts the boundaries (200-character subject, 2000-character message, each type)', async () => {
      for (const type of ['email', 'sms', 'push']) {
        const outcome = await call('SendNotification', {
          ...valid,
          user_id: randomUserId(),
          type,
          subject: 'é'.repeat(200),
          message: 'é'.repeat(2000),
        });
        expect(outcome.status).toBe('OK');
      }
    });

    it.each([
      ['a user_id that is not a UUID', { user_id: 'nope' }, 'user_id'],
      ['limit 0', { limit: 0 }, 'limit'],
      ['limit 101', { limit: 101 }, 'limit'],
      ['offset -1', { offset: -1 }, 'offset'],
    ])('GetNotificationHistory refuses %s', async (_, change, field) => {
      const outcome = await call('GetNotificationHistory', {
        user_id: randomUserId(),
        limit: 10,
        offset: 0,
        ...change,
      });
      expect(outcome.status).toBe('INVALID_ARGUMENT');
      expect(String(outcome.body.message)).toContain(field);
    });

    it('GetNotificationHistory accepts limit 1 and 100', async () => {
      for (const limit of [1, 100]) {
        const outcome = await call('GetNotificationHistory', {
          user_id: randomUserId(),
          limit,
          offset: 0,
        });
        expect(outcome.status).toBe('OK');
      }
    });

    const preferences = {
      email_enabled: true,
      sms_enabled: true,
      push_enabled: true,
      muted_types: [],
    };

    it.each([
      ['a user_id that is not a UUID', { user_id: 'nope', preferences }, 'user_id'],
      ['absent preferences', { preferences: undefined }, 'preferences'],
      [
        'an empty muted type',
        { preferences: { ...preferences, muted_types: [''] } },
        'muted_types',
      ],
      [
        'a 101-character muted type',
        { preferences: { ...preferences, muted_types: ['x'.repeat(101)] } },
        'muted_types',
      ],
      [
        '51 muted types',
        {
          preferences: {
            ...preferences,
            muted_types: Array.from({ length: 51 }, (_, n) => `t${n}`),
          },
        },
        'muted_types',
      ],
    ])('UpdateNotificationPreferences refuses %s', async (_, change, field) => {
      const outcome = await call('UpdateNotificationPreferences', {
        user_id: randomUserId(),
        ...change,
      });
      expect(outcome.status).toBe('INVALID_ARGUMENT');
      expect(String(outcome.body.message)).toContain(field);
    });

    it('UpdateNotificationPreferences accepts 50 muted types of 100 characters', async () => {
      const outcome = await call('UpdateNotificationPreferences', {
        user_id: randomUserId(),
        preferences: {
          ...preferences,
          muted_types: Array.from({ length: 50 }, (_, n) => `${n}`.padEnd(100, 'x')),
        },
      });
      expect(outcome).toMatchObject({ status: 'OK', body: { status: 'updated' } });
    });
  });
});
