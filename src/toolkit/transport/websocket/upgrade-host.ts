import type { PluginKind } from '../../descriptor';
import type { UpgradeHandler } from './websocket.types';

/**
 * What serves WebSocket upgrades on the service's HTTP port: accepts the sockets of the routes
 * registered on it and hands each accepted one over as a `RealtimeConnection`. The toolkit
 * serves its `(toolkit.route).websocket` methods through it; a plugin provides it under
 * {@link getUpgradeHostToken} (the realtime plugin, kind `centrifuge`, does).
 * @publicApi
 */
export interface UpgradeHost {
  /**
   * Serves WebSocket upgrades on `route`, a path template with literal and `{name}` segments
   * (`/chat/rooms/{room_id}/join`, see `compileUpgradeRoute`). Throws if a route matching the
   * same paths is already registered on the HTTP server (by this or another host).
   */
  registerUpgradeRoute(route: string, handler: UpgradeHandler): void;
}

/** The proto plugin kind whose instances are upgrade hosts (the realtime plugin's). @publicApi */
export const UPGRADE_HOST_PLUGIN_KIND: PluginKind = 'centrifuge';

/**
 * Injection token of the {@link UpgradeHost} of the plugin declared under `prefix`
 * (`toolkit:upgrade-host:<prefix>`): a pure function, so the toolkit and the plugin providing the
 * host agree on it without importing each other.
 * @publicApi
 */
export function getUpgradeHostToken(prefix: string): string {
  return `toolkit:upgrade-host:${prefix}`;
}
