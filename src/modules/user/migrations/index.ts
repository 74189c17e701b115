import { CreateUsers1732406400000 } from './1732406400000-create-users';

/** user-service migrations, oldest first. */
export const USER_MIGRATIONS = [CreateUsers1732406400000];
