import { Inject } from '@nestjs/common';
import { getPluginToken } from '../../toolkit/plugins';

/** The plugin kind as spelled in `(toolkit.plugins).plugin`. @publicApi */
export const REALTIME_PLUGIN_KIND = 'centrifuge';

/** Injection token of the realtime instance `prefix` (`toolkit:centrifuge:<prefix>`). @publicApi */
export function getRealtimeToken(prefix = 'realtime'): string {
  return getPluginToken(REALTIME_PLUGIN_KIND, prefix);
}

/** Injects the `RealtimePlugin` of `prefix`. @publicApi */
export function InjectRealtime(prefix = 'realtime'): PropertyDecorator & ParameterDecorator {
  return Inject(getRealtimeToken(prefix));
}
