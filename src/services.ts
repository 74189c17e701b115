import { chatServiceDefinition } from './modules/chat/chat.definition';
import { apiGatewayDefinition } from './modules/gateway/gateway.definition';
import { notificationServiceDefinition } from './modules/notification/notification.definition';
import { userServiceDefinition } from './modules/user/user.definition';
import { ServiceDefinition } from './toolkit/runtime';

/**
 * Every service this process can run, in start order. Each service module adds its
 * `defineService(...)` here; `SERVICES` picks among them by name.
 * @publicApi
 */
export const SERVICE_DEFINITIONS: readonly ServiceDefinition[] = [
  userServiceDefinition,
  notificationServiceDefinition,
  chatServiceDefinition,
  apiGatewayDefinition,
];
