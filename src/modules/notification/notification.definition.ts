import { NotificationServiceDescriptor } from '../../gen/notificationservice/notification-service.toolkit';
import { defineService } from '../../toolkit/runtime/define-service';
import { NOTIFICATION_MIGRATIONS } from './migrations';
import { NotificationModule } from './notification.module';
import { notificationSettingsSection } from './notification.settings';

/** notification-service as the runtime boots it: prefix NOTIFICATION_SERVICE, HTTP 8082, gRPC 9082 (the ports deploy/k8s and the README use). */
export const notificationServiceDefinition = defineService({
  name: 'notification-service',
  envPrefix: 'NOTIFICATION_SERVICE',
  descriptor: NotificationServiceDescriptor,
  module: NotificationModule,
  settings: notificationSettingsSection,
  // Plain SQL repositories: the tables come from the migrations, no entity is mapped.
  plugins: { pgsql: { entities: [], migrations: NOTIFICATION_MIGRATIONS } },
  defaultHttpPort: 8082,
  defaultGrpcPort: 9082,
});
