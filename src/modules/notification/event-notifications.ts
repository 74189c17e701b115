import { OrderCompletedPayload, UserEventPayload } from './event-payloads';
import { NewNotification } from './notification.types';

/** The welcome email of `user.created`. */
export function welcomeNotification(user: UserEventPayload): NewNotification {
  return {
    userId: user.user_id,
    channel: 'email',
    subject: 'Welcome to our platform!',
    message: `Hi ${user.name}, welcome to our platform!`,
    metadata: { event_type: 'user_created', email: user.email },
  };
}

/** The confirmation email of `order.completed`: the amount with two decimals, as money is written. */
export function orderConfirmation(order: OrderCompletedPayload): NewNotification {
  return {
    userId: order.user_id,
    channel: 'email',
    subject: 'Order Confirmation',
    message: `Your order #${order.order_id} for ${order.amount.toFixed(2)} ${order.currency} has been completed!`,
    metadata: { event_type: 'order_completed', order_id: order.order_id },
  };
}
