import { CreateNotifications1751600000000 } from './1751600000000-create-notifications';

/** notification-service migrations, oldest first. */
export const NOTIFICATION_MIGRATIONS = [CreateNotifications1751600000000];
