import { ToolkitPluginKind } from '../../toolkit/plugins';
import { RealtimeModule } from './realtime.module';
import { REALTIME_PLUGIN_KIND } from './realtime.tokens';

/** The `centrifuge` plugin kind: a WebSocket hub, fan-out through Redis (in-process by default). @publicApi */
export const realtimePluginKind: ToolkitPluginKind = {
  kind: REALTIME_PLUGIN_KIND,
  module: (context) => RealtimeModule.forPlugin(context),
};
