import { LoggerService } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { QUEUE_SUBSCRIBE_METADATA } from './queue.constants';
import { QueueSubscribeMetadata } from './queue.decorators';
import { QueueHandler, QueuePlugin } from './queue.types';

/** A `@QueueSubscribe` method found on a provider or controller. */
export interface DiscoveredSubscriber {
  event: string;
  /** `ClassName.method`, for logs. */
  name: string;
  handler: QueueHandler;
}

/** Finds the `@QueueSubscribe` methods of every provider and controller bound to `prefix`. */
export function discoverSubscribers(
  discovery: DiscoveryService,
  scanner: MetadataScanner,
  reflector: Reflector,
  prefix: string,
): DiscoveredSubscriber[] {
  const found: DiscoveredSubscriber[] = [];
  for (const wrapper of [...discovery.getProviders(), ...discovery.getControllers()]) {
    const instance: unknown = wrapper.instance;
    if (typeof instance !== 'object' || instance === null || !wrapper.isDependencyTreeStatic())
      continue;
    const prototype: object | null = Object.getPrototypeOf(instance);
    if (prototype === null) continue;
    for (const methodName of scanner.getAllMethodNames(prototype)) {
      const method: unknown = Reflect.get(instance, methodName);
      if (typeof method !== 'function') continue;
      const metadata = reflector.get<QueueSubscribeMetadata | undefined>(
        QUEUE_SUBSCRIBE_METADATA,
        method,
      );
      if (metadata === undefined || metadata.prefix !== prefix) continue;
      found.push({
        event: metadata.event,
        name: `${prototype.constructor.name}.${methodName}`,
        handler: (payload, message) => Promise.resolve(method.call(instance, payload, message)),
      });
    }
  }
  return found;
}

/**
 * Subscribes every discovered handler as `service`. Not awaited by the bootstrap: with the broker
 * down, consumers start when it connects and start-up goes on (readiness reports the broker).
 */
export async function subscribeDiscovered(
  queue: QueuePlugin,
  service: string,
  subscribers: readonly DiscoveredSubscriber[],
  logger: LoggerService,
): Promise<void> {
  await Promise.all(
    subscribers.map(async ({ event, name, handler }) => {
      await queue.subscribe(service, event, handler);
      logger.log(`${name} subscribed to ${event} as ${service}.${event}`);
    }),
  );
}
