import type { User } from '../../gen/userservice/user-service';
import type { Timestamp } from '../../gen/google/protobuf/timestamp';
import { UserEntity } from './user.entity';

/** A Date as a google.protobuf.Timestamp message (seconds as a string: longs are strings). */
export function toTimestamp(date: Date): Timestamp {
  const millis = date.getTime();
  const seconds = Math.floor(millis / 1000);
  return { seconds: String(seconds), nanos: (millis - seconds * 1000) * 1_000_000 };
}

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
