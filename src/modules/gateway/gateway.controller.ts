import { HealthCheckResponse, RevokeTokenResponse } from '../../gen/apigateway/api-gateway';
import { ApiGatewayDescriptor, ApiGatewayRpc } from '../../gen/apigateway/api-gateway.toolkit';
import { Caller } from '../../toolkit/auth/caller.decorator';
import { CallerIdentity } from '../../toolkit/auth/caller-identity';
import { TokenRevocationService } from '../../toolkit/auth/token-revocation.service';
import { BackendPool } from '../../toolkit/proxy';
import { ToolkitController } from '../../toolkit/transport';

/**
 * The gateway's local rpcs; every proxied rpc is served by the controller `ProxyModule` builds
 * from the descriptor.
 */
@ToolkitController(ApiGatewayDescriptor)
export class GatewayController {
  constructor(
    private readonly backends: BackendPool,
    private readonly revocations: TokenRevocationService,
  ) {}

  /** `ok` when every backend's grpc.health.v1 answers SERVING, else `degraded`. */
  @ApiGatewayRpc('HealthCheck')
  async healthCheck(): Promise<HealthCheckResponse> {
    const services = await this.backends.health();
    const healthy = Object.values(services).every((status) => status === 'SERVING');
    return { status: healthy ? 'ok' : 'degraded', services };
  }

  /** Revokes the bearer token this call was made with, until it expires. */
  @ApiGatewayRpc('RevokeToken')
  async revokeToken(@Caller() caller: CallerIdentity): Promise<RevokeTokenResponse> {
    await this.revocations.revoke(caller);
    return { status: 'revoked' };
  }
}
