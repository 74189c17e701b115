import { ApiGatewayDescriptor } from '../../gen/apigateway/api-gateway.toolkit';
import { defineService } from '../../toolkit/runtime/define-service';
import { GatewayModule } from './gateway.module';
import { gatewaySettingsSection } from './gateway.settings';

/** api-gateway as the runtime boots it: prefix API_GATEWAY, HTTP 8080; no gRPC server, since its proto lists none. */
export const apiGatewayDefinition = defineService({
  name: 'api-gateway',
  envPrefix: 'API_GATEWAY',
  descriptor: ApiGatewayDescriptor,
  module: GatewayModule,
  settings: gatewaySettingsSection,
  defaultHttpPort: 8080,
  defaultGrpcPort: 0,
});
