import { Module } from '@nestjs/common';
import { ApiGatewayDescriptor } from '../../gen/apigateway/api-gateway.toolkit';
import { ChatServiceDescriptor } from '../../gen/chatservice/chat-service.toolkit';
import { NotificationServiceDescriptor } from '../../gen/notificationservice/notification-service.toolkit';
import { UserServiceDescriptor } from '../../gen/userservice/user-service.toolkit';
import { tokenRevocationProvider } from '../../toolkit/auth/security.middlewares';
import { parseResolverEndpoints, ProxyModule, ProxyOptions } from '../../toolkit/proxy';
import { AuthConfig } from '../../toolkit/auth/auth.config';
import { RuntimeConfig, RUNTIME_CONFIG, SERVICE_SETTINGS } from '../../toolkit/runtime';
import { getMiddlewareConfigToken } from '../../toolkit/runtime/tokens';
import { GatewayController } from './gateway.controller';
import { GatewaySettings } from './gateway.settings';

/** Builds the proxy's options from the gateway's variables. */
export function gatewayProxyOptions(
  settings: GatewaySettings,
  runtime: RuntimeConfig,
  auth: AuthConfig,
): ProxyOptions {
  return {
    grpcEndpoints: parseResolverEndpoints(settings.RESOLVER_ENDPOINTS),
    httpEndpoints: parseResolverEndpoints(settings.RESOLVER_HTTP_ENDPOINTS),
    keepaliveTimeMs: settings.RESOLVER_KEEPALIVE_TIME,
    keepaliveTimeoutMs: settings.RESOLVER_KEEPALIVE_TIMEOUT,
    maxReconnectBackoffMs: settings.RESOLVER_MAX_RECONNECT_BACKOFF,
    connectTimeoutMs: settings.RESOLVER_CONNECT_TIMEOUT,
    healthTimeoutMs: settings.HEALTH_CHECK_TIMEOUT,
    sockets: {
      subjectField: 'user_id',
      handshakeTimeoutMs: settings.WEBSOCKET_HANDSHAKE_TIMEOUT,
      requestTimeoutMs: runtime.REQUEST_TIMEOUT,
      maxPayload: settings.WEBSOCKET_MAX_PAYLOAD,
      maxConnections: settings.WEBSOCKET_MAX_CONNECTIONS,
      allowedOrigins: settings.WEBSOCKET_ALLOWED_ORIGINS,
      maxBufferedBytes: settings.WEBSOCKET_MAX_BUFFERED,
      stallTimeoutMs: settings.WEBSOCKET_STALL_TIMEOUT,
      pingIntervalMs: settings.WEBSOCKET_PING_INTERVAL,
      idleTimeoutMs: settings.WEBSOCKET_IDLE_TIMEOUT,
      tokenRecheckIntervalMs: auth.SOCKET_RECHECK_INTERVAL,
    },
  };
}

/**
 * api-gateway: the proxy routes and sockets generated from its proto (ProxyModule), and the local
 * rpcs (health, token revocation).
 */
@Module({
  imports: [
    ProxyModule.forService({
      descriptor: ApiGatewayDescriptor,
      backends: [UserServiceDescriptor, NotificationServiceDescriptor, ChatServiceDescriptor],
      useFactory: gatewayProxyOptions,
      inject: [SERVICE_SETTINGS, RUNTIME_CONFIG, getMiddlewareConfigToken('auth')],
    }),
  ],
  controllers: [GatewayController],
  providers: [tokenRevocationProvider],
})
export class GatewayModule {}
