import { ConfigValues, defineConfig } from '../../toolkit/config';

/**
 * api-gateway's own variables (`API_GATEWAY_<NAME>`). The request deadline is the runtime's
 * `API_GATEWAY_REQUEST_TIMEOUT` (a shorter client `grpc-timeout` wins); JWT, rate limit and CORS
 * variables belong to their middlewares.
 */
export const gatewaySettingsSection = defineConfig('', {
  RESOLVER_ENDPOINTS: {
    type: 'list',
    default: [
      'user-service=127.0.0.1:9081',
      'notification-service=127.0.0.1:9082',
      'chat-service=127.0.0.1:9083',
    ],
    description:
      'Backend gRPC addresses, name=host:port; a name given several times is called round robin, skipping unreachable replicas; a host name (headless Service) is resolved to all its addresses',
  },
  RESOLVER_HTTP_ENDPOINTS: {
    type: 'list',
    default: ['chat-service=127.0.0.1:8083'],
    description: 'Backend HTTP addresses, name=host:port, for the WebSocket relays (chat join)',
  },
  RESOLVER_KEEPALIVE_TIME: {
    type: 'duration',
    default: '30s',
    description: 'HTTP/2 keepalive PING interval on backend channels while calls are active',
  },
  RESOLVER_KEEPALIVE_TIMEOUT: {
    type: 'duration',
    default: '10s',
    description: 'How long a keepalive PING may go unanswered before the channel is dropped',
  },
  RESOLVER_MAX_RECONNECT_BACKOFF: {
    type: 'duration',
    default: '2s',
    description: 'Ceiling of the reconnect backoff: how soon a restarted backend is used again',
  },
  RESOLVER_CONNECT_TIMEOUT: {
    type: 'duration',
    default: '1s',
    description:
      'How long a call waits for a backend replica to connect before trying the next one (a blackholed address fails fast)',
  },
  HEALTH_CHECK_TIMEOUT: {
    type: 'duration',
    default: '1s',
    description: 'Deadline of each backend grpc.health.v1 check made by GET /health',
  },
  WEBSOCKET_HANDSHAKE_TIMEOUT: {
    type: 'duration',
    default: '5s',
    description: 'How long a relayed socket waits for the backend handshake',
  },
  WEBSOCKET_MAX_PAYLOAD: {
    type: 'int',
    default: 65_536,
    min: 1024,
    description: 'Largest client WebSocket frame, in bytes (larger: close 1009)',
  },
  WEBSOCKET_MAX_CONNECTIONS: {
    type: 'int',
    default: 10_000,
    min: 1,
    description: 'Open WebSockets accepted by one gateway instance; past it upgrades get 503',
  },
  WEBSOCKET_ALLOWED_ORIGINS: {
    type: 'list',
    default: [],
    description:
      'Origins allowed to open a WebSocket (* for any); other Origins get 403, an upgrade without Origin passes',
  },
  WEBSOCKET_MAX_BUFFERED: {
    type: 'int',
    default: 1_048_576,
    min: 1024,
    description:
      'Bytes a socket may queue for a slow reader (each direction) before its source is paused',
  },
  WEBSOCKET_STALL_TIMEOUT: {
    type: 'duration',
    default: '10s',
    description: 'How long a reader may stay over WEBSOCKET_MAX_BUFFERED before close 1013',
  },
  WEBSOCKET_PING_INTERVAL: {
    type: 'duration',
    default: '30s',
    description: 'Ping interval; a client not answering within one interval is dropped (0: off)',
  },
  WEBSOCKET_IDLE_TIMEOUT: {
    type: 'duration',
    default: '10m',
    description: 'Close 1001 after this long without a data frame either way (0: never)',
  },
});

/** Parsed api-gateway settings (inject with `@InjectServiceSettings()`). */
export type GatewaySettings = ConfigValues<(typeof gatewaySettingsSection)['fields']>;
