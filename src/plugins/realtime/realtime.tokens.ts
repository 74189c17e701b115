import { Inject } from '@nestjs/common';
import { getPluginToken } from '../../toolkit/plugins';

/** The plugin kind as spelled in `(toolkit.plugins).plugin`. @publicApi */
export const REALTIME_PLUGIN_KIND = 'centrifuge';

/** The prefix the service protos declare for their realtime plugin. @publicApi */
export const DEFAULT_REALTIME_PREFIX = 'realtime';

/** Injection token of the realtime instance `prefix` (`toolkit:centrifuge:<prefix>`). @publicApi */
export function getRealtimeToken(prefix: string = DEFAULT_REALTIME_PREFIX): string {
  return getPluginToken(REALTIME_PLUGIN_KIND, prefix);
}

/** Injects the `RealtimePlugin` of `prefix`. @publicApi */
export function InjectRealtime(
  prefix: string = DEFAULT_REALTIME_PREFIX,
): PropertyDecorator & ParameterDecorator {
  return Inject(getRealtimeToken(prefix));
}
