import { SetMetadata } from '@nestjs/common';
import { DEFAULT_QUEUE_PREFIX, QUEUE_SUBSCRIBE_METADATA } from './queue.constants';

/** @internal */
export interface QueueSubscribeMetadata {
  event: string;
  prefix: string;
}

/**
 * Subscribes the decorated provider method to `event` on the queue plugin of `prefix`, through the
 * service's own durable queue `<service>.<event>`. The method receives `(payload, QueueMessageInfo)`.
 * @publicApi
 */
export function QueueSubscribe(event: string, options: { prefix?: string } = {}): MethodDecorator {
  const metadata: QueueSubscribeMetadata = {
    event,
    prefix: options.prefix ?? DEFAULT_QUEUE_PREFIX,
  };
  return SetMetadata(QUEUE_SUBSCRIBE_METADATA, metadata);
}
