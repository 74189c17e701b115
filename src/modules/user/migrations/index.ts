import { createOutboxMigration } from '../../../plugins/queue';
import { USER_OUTBOX_TABLE } from '../user.events';
import { CreateUsers1732406400000 } from './1732406400000-create-users';

/** user-service migrations, oldest first: users, then the outbox its events go through. */
export const USER_MIGRATIONS = [CreateUsers1732406400000, createOutboxMigration(USER_OUTBOX_TABLE)];
