import { ToolkitLogger } from '../../../toolkit/runtime/toolkit-logger';
import { quietLogger } from '../../../../test/support/quiet-logger';
import { ContactRepository } from '../contact.repository';
import { NotificationRepository } from '../notification.repository';
import { NotificationSettings } from '../notification.settings';
import { StoredNotification } from '../notification.types';
import { DeliveryWorker } from './delivery.worker';
import { NotificationTransport, PermanentDeliveryError } from './notification-transport';

function notification(fields: Partial<StoredNotification> = {}): StoredNotification {
  return {
    id: 'n-1',
    userId: 'u-1',
    channel: 'email',
    subject: 's',
    message: 'm',
    metadata: {},
    status: 'queued',
    attempts: 0,
    failureReason: null,
    createdAt: new Date(),
    sentAt: null,
    ...fields,
  };
}

function setup(due: StoredNotification[]) {
  const repository = {
    claimDue: jest.fn().mockResolvedValueOnce(due).mockResolvedValue([]),
    markSent: jest.fn(),
    markRetry: jest.fn(),
    markFailed: jest.fn(),
  };
  const contacts = { email: jest.fn().mockResolvedValue('known@example.com') };
  const transport: jest.Mocked<NotificationTransport> = {
    description: 'mock',
    deliver: jest.fn().mockResolvedValue(undefined),
  };
  const worker = new DeliveryWorker(
    repository as unknown as NotificationRepository,
    contacts as unknown as ContactRepository,
    { email: transport, sms: transport, push: transport },
    {
      DELIVERY_CONCURRENCY: 10,
      DELIVERY_TIMEOUT: 1_000,
      DELIVERY_POLL_INTERVAL: 60_000,
      DELIVERY_MAX_ATTEMPTS: 3,
      DELIVERY_RETRY_BACKOFF: 100,
    } as NotificationSettings,
    quietLogger(),
  );
  return { worker, repository, contacts, transport };
}

async function pass(worker: DeliveryWorker): Promise<void> {
  worker.onApplicationBootstrap();
  await worker.onModuleDestroy();
}

beforeEach(() => jest.spyOn(ToolkitLogger.prototype, 'warn').mockImplementation(() => undefined));
afterEach(() => jest.restoreAllMocks());

describe('DeliveryWorker', () => {
  it('sends only to the address user-service announced, whatever metadata.email says', async () => {
    const { worker, repository, transport, contacts } = setup([
      notification({ metadata: { email: 'x@a.org, y@b.org' } }),
    ]);

    await pass(worker);

    expect(contacts.email).toHaveBeenCalledWith(expect.any(String));
    expect(transport.deliver).toHaveBeenCalledWith(
      expect.objectContaining({ notificationId: 'n-1', recipient: 'known@example.com' }),
    );
    expect(repository.markSent).toHaveBeenCalledWith('n-1');
  });

  it('schedules a retry with doubling backoff after a transient failure', async () => {
    const { worker, repository, transport } = setup([notification({ attempts: 1 })]);
    transport.deliver.mockRejectedValue(new Error('ECONNREFUSED'));

    await pass(worker);

    expect(repository.markRetry).toHaveBeenCalledWith('n-1', 200, 'ECONNREFUSED');
    expect(repository.markSent).not.toHaveBeenCalled();
  });

  it('fails after the last attempt, and at once on a permanent failure', async () => {
    const { worker, repository, transport } = setup([
      notification({ id: 'last', attempts: 2 }),
      notification({ id: 'permanent', channel: 'sms' }),
    ]);
    transport.deliver.mockImplementation(async (delivery) => {
      throw delivery.channel === 'sms' ? new PermanentDeliveryError('422') : new Error('503');
    });

    await pass(worker);

    expect(repository.markFailed).toHaveBeenCalledWith('last', '503');
    expect(repository.markFailed).toHaveBeenCalledWith('permanent', '422');
    expect(repository.markRetry).not.toHaveBeenCalled();
  });

  it('fails an email at once, without retries, when no address is known', async () => {
    const { worker, repository, contacts, transport } = setup([notification()]);
    contacts.email.mockResolvedValue(null);

    await pass(worker);

    expect(transport.deliver).not.toHaveBeenCalled();
    expect(repository.markRetry).not.toHaveBeenCalled();
    expect(repository.markFailed).toHaveBeenCalledWith(
      'n-1',
      expect.stringContaining('no e-mail address known'),
    );
  });
});
