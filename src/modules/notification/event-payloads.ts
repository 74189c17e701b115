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

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function fields(event: string, payload: unknown): Record<string, unknown> {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw new InvalidEventError(event, 'the body is not a JSON object');
  }
  return payload as Record<string, unknown>;
}

function text(event: string, body: Record<string, unknown>, name: string): string {
  const value = body[name];
  if (typeof value !== 'string' || value.length === 0) {
    throw new InvalidEventError(event, `${name} must be a non-empty string`);
  }
  return value;
}

function uuid(event: string, body: Record<string, unknown>, name: string): string {
  const value = text(event, body, name);
  if (!UUID.test(value)) throw new InvalidEventError(event, `${name} must be a UUID`);
  return value.toLowerCase();
}

/** Reads `user.created` / `user.updated`; throws `InvalidEventError`. */
export function parseUserEvent(event: string, payload: unknown): UserEventPayload {
  const body = fields(event, payload);
  return {
    user_id: uuid(event, body, 'user_id'),
    name: text(event, body, 'name'),
    email: text(event, body, 'email'),
  };
}

/** Reads `order.completed`; `amount` must be a JSON number (the publisher writes a float64). */
export function parseOrderCompleted(payload: unknown): OrderCompletedPayload {
  const body = fields(ORDER_COMPLETED, payload);
  const { amount } = body;
  if (typeof amount !== 'number' || !Number.isFinite(amount)) {
    throw new InvalidEventError(ORDER_COMPLETED, 'amount must be a number');
  }
  return {
    user_id: uuid(ORDER_COMPLETED, body, 'user_id'),
    order_id: text(ORDER_COMPLETED, body, 'order_id'),
    amount,
    currency: text(ORDER_COMPLETED, body, 'currency'),
  };
}
