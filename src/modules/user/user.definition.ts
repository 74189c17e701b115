import { UserServiceDescriptor } from '../../gen/userservice/user-service.toolkit';
import { defineService } from '../../toolkit/runtime/define-service';
import { USER_MIGRATIONS } from './migrations';
import { UserEntity } from './user.entity';
import { USER_OUTBOX_TABLE } from './user.events';
import { UserModule } from './user.module';
import { userSettingsSection } from './user.settings';

/** user-service as the runtime boots it: prefix USER_SERVICE, HTTP 8081, gRPC 9081 (the ports deploy/k8s and the README use). */
export const userServiceDefinition = defineService({
  name: 'user-service',
  envPrefix: 'USER_SERVICE',
  descriptor: UserServiceDescriptor,
  module: UserModule,
  settings: userSettingsSection,
  plugins: {
    pgsql: { entities: [UserEntity], migrations: USER_MIGRATIONS },
    // user.created / user.updated rows are written in the transaction of the change they describe.
    queue: { outbox: { pgsqlPrefix: 'pgsql', table: USER_OUTBOX_TABLE } },
  },
  defaultHttpPort: 8081,
  defaultGrpcPort: 9081,
});
