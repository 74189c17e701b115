import { UserEntity } from './user.entity';

/** Events user-service publishes (routing keys on the events exchange). */
export const USER_CREATED = 'user.created';
export const USER_UPDATED = 'user.updated';

/** The outbox table of user-service; its own name so services sharing a database never collide. */
export const USER_OUTBOX_TABLE = 'user_outbox';

/** Body of `user.created` and `user.updated`: the bare event JSON (no envelope), so that consumers in any language read it as is. */
export interface UserEvent {
  type: typeof USER_CREATED | typeof USER_UPDATED;
  user_id: string;
  name: string;
  email: string;
}

/** The event describing `user` as it is after the change. */
export function userEvent(type: UserEvent['type'], user: UserEntity): UserEvent {
  return { type, user_id: user.id, name: user.name, email: user.email };
}
