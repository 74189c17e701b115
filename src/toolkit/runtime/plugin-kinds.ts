import { ToolkitPluginKind } from '../plugins';

/** The plugin kinds a service's plugins are built from (the app passes them in, e.g. src/main.ts). @publicApi */
export type PluginKindsSource = readonly ToolkitPluginKind[];
