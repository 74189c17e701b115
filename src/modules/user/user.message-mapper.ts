import type { User } from '../../gen/userservice/user-service';
import { UserEntity } from './user.entity';
import { toTimestamp } from '../../toolkit/protojson';

/** The `User` message of a stored user. */
export function toUserMessage(user: UserEntity): User {
  return {
    user_id: user.id,
    name: user.name,
    email: user.email,
    created_at: toTimestamp(user.createdAt),
    updated_at: toTimestamp(user.updatedAt),
  };
}
