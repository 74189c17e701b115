import { ToolkitLogger } from '../../toolkit/runtime/toolkit-logger';
import { quietLogger } from '../../../test/support/quiet-logger';
import { createNotificationServicePluginMocks } from '../../gen/notificationservice/notification-service.toolkit.mocks';
import { QueueMessageInfo } from '../../plugins/queue';
import { ContactRepository } from './contact.repository';
import { NotificationEventsConsumer } from './notification.events';
import { NotificationService } from './notification.service';
import { ProcessedMessageRepository } from './processed-message.repository';

const USER = 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11';

function setup() {
  const { pgsql } = createNotificationServicePluginMocks();
  const processed = { record: jest.fn().mockResolvedValue(true) };
  const contacts = { remember: jest.fn(), email: jest.fn() };
  const notifications = { record: jest.fn(), deliverPending: jest.fn() };
  const consumer = new NotificationEventsConsumer(
    pgsql,
    processed as unknown as ProcessedMessageRepository,
    contacts as unknown as ContactRepository,
    notifications as unknown as NotificationService,
    quietLogger(),
  );
  return { consumer, pgsql, processed, contacts, notifications };
}

const info = (event: string): QueueMessageInfo => ({
  messageId: 'm-1',
  event,
  redelivered: false,
  attempt: 1,
});
const user = { type: 'user.created', user_id: USER, name: 'Ann', email: 'ann@example.com' };

beforeEach(() => jest.spyOn(ToolkitLogger.prototype, 'log').mockImplementation(() => undefined));
afterEach(() => jest.restoreAllMocks());

describe('NotificationEventsConsumer', () => {
  it('records the message id, the contact and the welcome email in one transaction, then wakes delivery', async () => {
    const { consumer, pgsql, processed, contacts, notifications } = setup();
    const manager = pgsql.dataSource.manager;

    await consumer.onUserCreated(user, info('user.created'));

    expect(pgsql.transaction).toHaveBeenCalledTimes(1);
    expect(processed.record).toHaveBeenCalledWith(manager, 'm-1', 'user.created');
    expect(contacts.remember).toHaveBeenCalledWith(
      manager,
      { userId: USER, name: 'Ann', email: 'ann@example.com' },
      false,
    );
    expect(notifications.record).toHaveBeenCalledWith(
      expect.objectContaining({ subject: 'Welcome to our platform!' }),
      manager,
    );
    expect(notifications.deliverPending).toHaveBeenCalledTimes(1);
  });

  it('skips a message id it already processed', async () => {
    const { consumer, processed, notifications } = setup();
    processed.record.mockResolvedValue(false);

    await consumer.onOrderCompleted(
      { user_id: USER, order_id: 'o', amount: 1, currency: 'USD' },
      info('order.completed'),
    );

    expect(notifications.record).not.toHaveBeenCalled();
    expect(notifications.deliverPending).not.toHaveBeenCalled();
  });

  it('replaces the known contact on user.updated without a notification', async () => {
    const { consumer, contacts, notifications } = setup();

    await consumer.onUserUpdated({ ...user, type: 'user.updated' }, info('user.updated'));

    expect(contacts.remember).toHaveBeenCalledWith(expect.anything(), expect.anything(), true);
    expect(notifications.record).not.toHaveBeenCalled();
  });

  it('rejects an invalid body before touching the database (the queue retries, then dead-letters)', async () => {
    const { consumer, pgsql } = setup();

    await expect(
      consumer.onOrderCompleted({ user_id: USER, amount: 'x' }, info('order.completed')),
    ).rejects.toThrow('invalid order.completed');
    expect(pgsql.transaction).not.toHaveBeenCalled();
  });
});
