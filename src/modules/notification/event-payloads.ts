import { IsNotEmpty, IsNumber, IsString, IsUUID, validateSync } from 'class-validator';
import { UnprocessableMessageError } from '../../plugins/queue';

/** Events notification-service consumes (routing keys on the events exchange). */
export const USER_CREATED = 'user.created';
export const USER_UPDATED = 'user.updated';
export const ORDER_COMPLETED = 'order.completed';

/** `user.created` and `user.updated` as user-service publishes them. */
export interface UserEventPayload {
  user_id: string;
  name: string;
  email: string;
}

/** `order.completed` `{type,user_id,order_id,amount,currency}`. */
export interface OrderCompletedPayload {
  user_id: string;
  order_id: string;
  amount: number;
  currency: string;
}

/** An event body without the fields its handler needs: retrying cannot fix it (DLQ at once). */
export class InvalidEventError extends UnprocessableMessageError {
  constructor(event: string, problem: string) {
    super(`invalid ${event} event: ${problem}`);
    this.name = 'InvalidEventError';
  }
}

/** The fields `user.created` and `user.updated` must carry; extra fields are ignored. */
class UserEventBody {
  @IsUUID('all', { message: 'user_id must be a UUID' })
  user_id!: string;

  @IsString({ message: 'name must be a non-empty string' })
  @IsNotEmpty({ message: 'name must be a non-empty string' })
  name!: string;

  @IsString({ message: 'email must be a non-empty string' })
  @IsNotEmpty({ message: 'email must be a non-empty string' })
  email!: string;
}

/** The fields of `order.completed`; `amount` is a finite JSON number (the publisher writes a float64). */
class OrderCompletedBody {
  @IsUUID('all', { message: 'user_id must be a UUID' })
  user_id!: string;

  @IsString({ message: 'order_id must be a non-empty string' })
  @IsNotEmpty({ message: 'order_id must be a non-empty string' })
  order_id!: string;

  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'amount must be a number' })
  amount!: number;

  @IsString({ message: 'currency must be a non-empty string' })
  @IsNotEmpty({ message: 'currency must be a non-empty string' })
  currency!: string;
}

/**
 * Validates an event body with class-validator against `Body`'s decorated fields. Only those
 * fields are copied from the JSON (never `__proto__` or anything else the publisher added).
 */
function validated<T extends object>(
  event: string,
  payload: unknown,
  Body: new () => T,
  keys: readonly (keyof T & string)[],
): T {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw new InvalidEventError(event, 'the body is not a JSON object');
  }
  const source = payload as Record<string, unknown>;
  const body = new Body() as Record<string, unknown>;
  for (const key of keys) if (Object.hasOwn(source, key)) body[key] = source[key];
  const errors = validateSync(body);
  if (errors.length > 0) {
    const problems = errors.flatMap((error) => Object.values(error.constraints ?? {}));
    throw new InvalidEventError(event, [...new Set(problems)].join('; '));
  }
  return body as T;
}

/** Reads `user.created` / `user.updated`; throws `InvalidEventError`. */
export function parseUserEvent(event: string, payload: unknown): UserEventPayload {
  const body = validated(event, payload, UserEventBody, ['user_id', 'name', 'email']);
  return { user_id: body.user_id.toLowerCase(), name: body.name, email: body.email };
}

/** Reads `order.completed`; throws `InvalidEventError`. */
export function parseOrderCompleted(payload: unknown): OrderCompletedPayload {
  const body = validated(ORDER_COMPLETED, payload, OrderCompletedBody, [
    'user_id',
    'order_id',
    'amount',
    'currency',
  ]);
  return {
    user_id: body.user_id.toLowerCase(),
    order_id: body.order_id,
    amount: body.amount,
    currency: body.currency,
  };
}
