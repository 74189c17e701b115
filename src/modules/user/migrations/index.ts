import { createOutboxMigration, createOutboxTraceContextMigration } from '../../../plugins/queue';
import { USER_OUTBOX_TABLE } from '../user.events';
import { CreateUsers1732406400000 } from './1732406400000-create-users';
import { EmailCaseInsensitive1764547200000 } from './1764547200000-email-case-insensitive';

/**
 * user-service migrations, oldest first: users, the outbox its events go through, e-mail
 * uniqueness regardless of case, then the outbox rows' trace context.
 */
export const USER_MIGRATIONS = [
  CreateUsers1732406400000,
  createOutboxMigration(USER_OUTBOX_TABLE),
  EmailCaseInsensitive1764547200000,
  createOutboxTraceContextMigration(USER_OUTBOX_TABLE),
];
