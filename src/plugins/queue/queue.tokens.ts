import { Inject } from '@nestjs/common';
import { getPluginToken } from '../../toolkit/plugins';
import { DEFAULT_QUEUE_PREFIX, QUEUE_PLUGIN_KIND } from './queue.constants';

/** Injection token of the queue plugin instance with this prefix. @publicApi */
export function getQueueToken(prefix: string = DEFAULT_QUEUE_PREFIX): string {
  return getPluginToken(QUEUE_PLUGIN_KIND, prefix);
}

/** Injects the `QueuePlugin` of this prefix. @publicApi */
export function InjectQueue(prefix: string = DEFAULT_QUEUE_PREFIX): ParameterDecorator {
  return Inject(getQueueToken(prefix));
}

/** Injection token of the `OutboxWriter` of the queue instance with this prefix. @publicApi */
export function getOutboxWriterToken(prefix: string = DEFAULT_QUEUE_PREFIX): string {
  return `${getQueueToken(prefix)}:outbox`;
}

/** Injects the `OutboxWriter` of this queue prefix (the plugin must enable `outbox`). @publicApi */
export function InjectOutboxWriter(prefix: string = DEFAULT_QUEUE_PREFIX): ParameterDecorator {
  return Inject(getOutboxWriterToken(prefix));
}
