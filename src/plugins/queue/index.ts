export * from './queue.types';
export * from './queue.tokens';
export * from './queue.decorators';
export * from './queue.module';
export * from './outbox';
export { queueConfigSection, outboxConfigSection } from './queue.config';
export { EmbeddedQueueClient } from './embedded/embedded-queue.client';
export { RabbitQueueClient } from './rabbit/rabbit-queue.client';
export { subscriptionQueues } from './retry-policy';
