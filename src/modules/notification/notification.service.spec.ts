import { ToolkitLogger } from '../../toolkit/runtime/toolkit-logger';
import { quietLogger } from '../../../test/support/quiet-logger';
import { createNotificationServicePluginMocks } from '../../gen/notificationservice/notification-service.toolkit.mocks';
import { GrpcStatus, ToolkitError } from '../../toolkit/errors';
import { DeliveryWorker } from './delivery/delivery.worker';
import { NotificationRepository } from './notification.repository';
import { NotificationService } from './notification.service';
import { NotificationSettings } from './notification.settings';
import { DEFAULT_PREFERENCES, NewNotification, StoredNotification } from './notification.types';
import { PreferencesRepository } from './preferences.repository';
import { PreferencesService, preferencesCacheKey } from './preferences.service';

const USER = 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11';
const HOUR_MS = 3_600_000;

function setup() {
  const plugins = createNotificationServicePluginMocks();
  const preferencesRepository = { find: jest.fn().mockResolvedValue(null), save: jest.fn() };
  const notificationsRepository = {
    insert: jest.fn(
      async (notification: NewNotification, status: string): Promise<StoredNotification> => ({
        ...notification,
        id: 'n-1',
        status: status as StoredNotification['status'],
        attempts: 0,
        failureReason: null,
        createdAt: new Date(),
        sentAt: null,
      }),
    ),
    history: jest.fn(),
  };
  const delivery = { wake: jest.fn() };
  const preferences = new PreferencesService(
    preferencesRepository as unknown as PreferencesRepository,
    plugins.cache,
    { PREFERENCES_CACHE_TIMEOUT: HOUR_MS } as NotificationSettings,
    quietLogger(),
  );
  const service = new NotificationService(
    notificationsRepository as unknown as NotificationRepository,
    preferences,
    delivery as unknown as DeliveryWorker,
    quietLogger(),
  );
  return {
    service,
    preferences,
    cache: plugins.cache,
    preferencesRepository,
    notificationsRepository,
    delivery,
  };
}

const email: NewNotification = {
  userId: USER,
  channel: 'email',
  subject: 's',
  message: 'm',
  metadata: { event_type: 'order_completed' },
};

beforeEach(() => {
  jest.spyOn(ToolkitLogger.prototype, 'log').mockImplementation(() => undefined);
  jest.spyOn(ToolkitLogger.prototype, 'warn').mockImplementation(() => undefined);
});

afterEach(() => jest.restoreAllMocks());

describe('NotificationService.send', () => {
  it('queues with the default preferences and wakes delivery', async () => {
    const { service, notificationsRepository, delivery, cache } = setup();

    const stored = await service.send(email);

    expect(stored.status).toBe('queued');
    expect(notificationsRepository.insert).toHaveBeenCalledWith(email, 'queued', undefined);
    expect(delivery.wake).toHaveBeenCalledTimes(1);
    expect(cache.set).toHaveBeenCalledWith(
      preferencesCacheKey(USER),
      JSON.stringify(DEFAULT_PREFERENCES),
      HOUR_MS,
    );
  });

  it.each([
    ['its channel is disabled', { emailEnabled: false }],
    ['its channel is muted', { mutedTypes: ['email'] }],
    ['its event type is muted', { mutedTypes: ['order_completed'] }],
  ])('suppresses a notification when %s, without waking delivery', async (_, change) => {
    const { service, cache, delivery } = setup();
    cache.get.mockResolvedValue(JSON.stringify({ ...DEFAULT_PREFERENCES, ...change }));

    expect((await service.send(email)).status).toBe('suppressed');
    expect(delivery.wake).not.toHaveBeenCalled();
  });

  it('records inside a caller transaction without waking delivery', async () => {
    const { service, notificationsRepository, delivery } = setup();
    const manager = createNotificationServicePluginMocks().pgsql.dataSource.manager;

    await service.record(email, manager);

    expect(notificationsRepository.insert).toHaveBeenCalledWith(email, 'queued', manager);
    expect(delivery.wake).not.toHaveBeenCalled();
  });
});

describe('PreferencesService (cache-aside)', () => {
  it('serves cached preferences without PostgreSQL', async () => {
    const { preferences, cache, preferencesRepository } = setup();
    cache.get.mockResolvedValue(JSON.stringify({ ...DEFAULT_PREFERENCES, smsEnabled: false }));

    expect((await preferences.get(USER)).smsEnabled).toBe(false);
    expect(preferencesRepository.find).not.toHaveBeenCalled();
  });

  it('falls back to PostgreSQL when Redis fails or holds something unreadable', async () => {
    const { preferences, cache, preferencesRepository } = setup();
    const stored = { ...DEFAULT_PREFERENCES, pushEnabled: false };
    preferencesRepository.find.mockResolvedValue(stored);
    cache.get.mockRejectedValueOnce(new Error('Connection is closed.'));
    cache.set.mockRejectedValueOnce(new Error('Connection is closed.'));
    expect(await preferences.get(USER)).toEqual(stored);

    cache.get.mockResolvedValueOnce('{"emailEnabled":"yes"}');
    expect(await preferences.get(USER)).toEqual(stored);
  });

  it('saves, then invalidates the cached copy (even when Redis fails)', async () => {
    const { preferences, cache, preferencesRepository } = setup();
    cache.del.mockRejectedValueOnce(new Error('Connection is closed.'));

    const scope = { deadline: Date.now() + 60_000 };
    await preferences.update(USER, DEFAULT_PREFERENCES, scope);

    expect(preferencesRepository.save).toHaveBeenCalledWith(USER, DEFAULT_PREFERENCES, scope);
    expect(cache.del).toHaveBeenCalledWith(preferencesCacheKey(USER));
  });
});

describe('NotificationService.updatePreferences', () => {
  async function rejection(promise: Promise<unknown>): Promise<ToolkitError> {
    const error = await promise.then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(ToolkitError);
    return error as ToolkitError;
  }

  it('stores muted types once each, under the lower-case id', async () => {
    const { service, preferencesRepository } = setup();

    await service.updatePreferences(USER.toUpperCase(), {
      ...DEFAULT_PREFERENCES,
      mutedTypes: ['sms', 'sms', 'order_completed'],
    });

    expect(preferencesRepository.save).toHaveBeenCalledWith(
      USER,
      { ...DEFAULT_PREFERENCES, mutedTypes: ['sms', 'order_completed'] },
      {},
    );
  });

  it.each([
    ['an empty muted type', ['']],
    ['a muted type over 100 characters', ['x'.repeat(101)]],
    ['more than 50 muted types', Array.from({ length: 51 }, (_, n) => `t${n}`)],
  ])('refuses %s with INVALID_ARGUMENT', async (_, mutedTypes) => {
    const { service, preferencesRepository } = setup();

    const error = await rejection(
      service.updatePreferences(USER, { ...DEFAULT_PREFERENCES, mutedTypes }),
    );

    expect(error.code).toBe(GrpcStatus.INVALID_ARGUMENT);
    expect(error.violations[0].field).toContain('muted_types');
    expect(preferencesRepository.save).not.toHaveBeenCalled();
  });
});
