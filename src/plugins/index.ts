import { ToolkitPluginKind } from '../toolkit/plugins';
import { cachePluginKind } from './cache';
import { pgsqlPluginKind } from './pgsql';
import { queuePluginKind } from './queue';
import { realtimePluginKind } from './realtime';

/** Every plugin kind the toolkit ships; the runtime builds a proto's plugins from these. @publicApi */
export const PLUGIN_KINDS: ToolkitPluginKind[] = [
  pgsqlPluginKind,
  cachePluginKind,
  realtimePluginKind,
  queuePluginKind,
];
