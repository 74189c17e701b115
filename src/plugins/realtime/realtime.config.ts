import { ConfigLoader, ConfigValues, defineConfig } from '../../toolkit/config';

/** The `<ENV_PREFIX>_<PREFIX>_*` variables of one realtime instance. */
export function realtimeConfigSection(prefix: string, serviceName: string) {
  return defineConfig(prefix, {
    HOST: {
      type: 'string',
      description:
        'Redis host for cross-instance fan-out; unset = embedded in-process fan-out (one instance only)',
    },
    PORT: { type: 'port', default: 6379, description: 'Redis port' },
    PASSWORD: { type: 'string', secret: true, description: 'Redis password' },
    DATABASE: {
      type: 'int',
      default: 0,
      min: 0,
      description: 'Redis database (pub/sub ignores it: CHANNEL_PREFIX is what separates services)',
    },
    CHANNEL_PREFIX: {
      type: 'string',
      default: `${serviceName}:${prefix}:`,
      description: 'Prefix of the Redis pub/sub channels; instances sharing it share fan-out',
    },
    PING_INTERVAL: {
      type: 'duration',
      default: '25s',
      description: 'Heartbeat: ping every connection this often; one unanswered ping closes it',
    },
    MAX_PAYLOAD: {
      type: 'int',
      default: 65536,
      min: 64,
      description: 'Largest incoming frame in bytes; bigger frames close the connection with 1009',
    },
    SEND_BUFFER_LIMIT: {
      type: 'int',
      default: 1048576,
      min: 1024,
      description:
        'Bytes queued for one client before it is closed as too slow (1013); bounds memory per client',
    },
    CLOSE_TIMEOUT: {
      type: 'duration',
      default: '5s',
      description: 'How long a closing connection may take before its socket is destroyed',
    },
    MAX_CONNECTIONS: {
      type: 'int',
      default: 10000,
      min: 1,
      description: 'Open connections per instance; upgrades beyond it are answered 503',
    },
    ALLOWED_ORIGINS: {
      type: 'list',
      default: [],
      description:
        'Origins allowed to upgrade (e.g. https://app.example.com); empty = any. Requests without Origin (non-browser clients) are allowed',
    },
    CONNECT_TIMEOUT: {
      type: 'duration',
      default: '5s',
      description: 'Redis connect and readiness PING timeout',
    },
  });
}

/** Parsed settings of one realtime instance. */
export type RealtimeSettings = ConfigValues<ReturnType<typeof realtimeConfigSection>['fields']>;

/** Loads the section through the shared loader (problems are reported with everyone else's). */
export function loadRealtimeSettings(
  config: ConfigLoader,
  prefix: string,
  serviceName: string,
): RealtimeSettings {
  return config.load(realtimeConfigSection(prefix, serviceName));
}
