import { ToolkitPluginKind } from '../../toolkit/plugins';
import { QUEUE_PLUGIN_KIND } from './queue.constants';
import { QueueModule } from './queue.module';

/** The `rabbitmq` plugin kind: RabbitMQ through amqplib, an in-process broker by default. @publicApi */
export const queuePluginKind: ToolkitPluginKind = {
  kind: QUEUE_PLUGIN_KIND,
  module: (context) => QueueModule.forPlugin(context),
};
