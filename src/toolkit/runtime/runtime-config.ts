import { ConfigValues, defineConfig } from '../config';

/** Pino levels accepted by `<PREFIX>_LOG_LEVEL`. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/**
 * The variables every service has (scope empty: `USER_SERVICE_SERVER_PORT`...). Services must not
 * declare these names in their own settings.
 * @publicApi
 */
export function runtimeConfigSection(defaults: { appName: string; httpPort: number }) {
  return defineConfig('', {
    APP_NAME: {
      type: 'string',
      default: defaults.appName,
      description: 'Name in logs and metrics',
    },
    ENVIRONMENT: {
      type: 'string',
      default: 'development',
      description: 'Deployment environment name',
    },
    LOG_LEVEL: { type: 'enum', values: LOG_LEVELS, default: 'info', description: 'Log level' },
    SERVER_HOST: { type: 'string', default: '0.0.0.0', description: 'HTTP listen address' },
    SERVER_PORT: {
      type: 'port',
      default: defaults.httpPort,
      description: 'HTTP port (0: any free port)',
    },
    SERVER_BODY_LIMIT: {
      type: 'int',
      default: 1_048_576,
      min: 1024,
      description: 'Largest accepted HTTP request body, in bytes (larger: 413)',
    },
    REQUEST_TIMEOUT: {
      type: 'duration',
      default: '30s',
      description:
        'Longest a unary call may run before DEADLINE_EXCEEDED (a shorter client deadline wins)',
    },
    STREAM_TIMEOUT: {
      type: 'duration',
      default: '0s',
      description:
        'Longest a streaming call may run before DEADLINE_EXCEEDED; 0 = no bound but the client deadline',
    },
    SHUTDOWN_GRACE_PERIOD: {
      type: 'duration',
      default: '25s',
      description: 'On SIGTERM, how long in-flight calls may drain before connections are cut',
    },
    SHUTDOWN_DELAY: {
      type: 'duration',
      default: '0s',
      description:
        'On SIGTERM, how long to keep serving while readiness says 503 (every answer closes its connection) before the listeners stop, so load balancers take the instance out first',
    },
    ENABLE_METRICS: {
      type: 'bool',
      default: true,
      description: 'Serve Prometheus metrics on /metrics',
    },
    ENABLE_API_DOCS: {
      type: 'bool',
      default: true,
      description: 'Serve the OpenAPI document on /openapi.json and its docs page on /docs',
    },
  });
}

/** Parsed runtime variables of one service. @publicApi */
export type RuntimeConfig = ConfigValues<ReturnType<typeof runtimeConfigSection>['fields']>;

/**
 * The gRPC listener's variables (`<PREFIX>_GRPC_SERVER_HOST`/`_PORT`), declared only by services
 * whose proto lists a GRPC server, so `--help` does not offer them to HTTP-only services.
 * @publicApi
 */
export function grpcServerConfigSection(defaultPort: number) {
  return defineConfig('', {
    GRPC_SERVER_HOST: { type: 'string', default: '0.0.0.0', description: 'gRPC listen address' },
    GRPC_SERVER_PORT: {
      type: 'port',
      default: defaultPort,
      description: 'gRPC port (0: any free port)',
    },
  });
}

/** Parsed gRPC listener variables of one service. @publicApi */
export type GrpcServerConfig = ConfigValues<ReturnType<typeof grpcServerConfigSection>['fields']>;
