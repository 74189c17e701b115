import { chatServiceDefinition } from './modules/chat/chat.definition';
import { apiGatewayDefinition } from './modules/gateway/gateway.definition';
import { notificationServiceDefinition } from './modules/notification/notification.definition';
import { userServiceDefinition } from './modules/user/user.definition';
import { ServiceDefinition } from './toolkit/runtime';

/**
 * Every service this process can run, in start order. Each service module adds its
 * `defineService(...)` here; `SERVICES` picks among them by name.
 *
 * Subscribers start before publishers: the embedded broker (fresh on every start) only keeps an
 * event for queues already bound, so notification-service subscribes before user-service's
 * outbox relays the rows an earlier run left pending. The gateway, which only calls the others,
 * comes last.
 * @publicApi
 */
export const SERVICE_DEFINITIONS: readonly ServiceDefinition[] = [
  notificationServiceDefinition,
  chatServiceDefinition,
  userServiceDefinition,
  apiGatewayDefinition,
];
