import { ConfigValues, defineConfig } from '../../toolkit/config';

/**
 * chat-service's own variables (`CHAT_SERVICE_<NAME>`); the runtime declares the common ones
 * (APP_NAME, LOG_LEVEL, REQUEST_TIMEOUT...).
 */
export const chatSettingsSection = defineConfig('', {
  ACTIVE_MEMBERS_TTL: {
    type: 'duration',
    default: '24h',
    description:
      "Lifetime of a room's active-members set after its last join; bounds what an instance that died without its sockets leaving leaves behind",
  },
});

/** Parsed chat-service settings (inject with `@InjectServiceSettings()`). */
export type ChatSettings = ConfigValues<(typeof chatSettingsSection)['fields']>;
