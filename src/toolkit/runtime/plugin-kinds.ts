import { ToolkitPluginKind } from '../plugins';

/** The plugin kinds a service's plugins are built from (`PLUGIN_KINDS` in src/plugins). @publicApi */
export type PluginKindsSource = readonly ToolkitPluginKind[];
