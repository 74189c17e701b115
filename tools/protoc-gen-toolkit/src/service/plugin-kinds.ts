/** How the generated code reaches each plugin kind's runtime (src/plugins/<dir>). */
export interface PluginKindInfo {
  /** Directory under src/plugins, also the mocks file name: `<dir>/<dir>.mocks`. */
  dir: string;
  /** `(prefix: string) => ParameterDecorator` exported by src/plugins/<dir>. */
  inject: string;
  /** `() => jest.Mocked<Plugin>` exported by src/plugins/<dir>/<dir>.mocks. */
  mockFactory: string;
}

/** Plugin kinds as spelled in `(toolkit.plugins).plugin`; anything else is a generator error. */
export const PLUGIN_KINDS = {
  postgres_gorm: { dir: 'pgsql', inject: 'InjectPgsql', mockFactory: 'createPgsqlPluginMock' },
  redis: { dir: 'cache', inject: 'InjectCache', mockFactory: 'createCachePluginMock' },
  rabbitmq: { dir: 'queue', inject: 'InjectQueue', mockFactory: 'createQueuePluginMock' },
  centrifuge: {
    dir: 'realtime',
    inject: 'InjectRealtime',
    mockFactory: 'createRealtimePluginMock',
  },
} as const satisfies Record<string, PluginKindInfo>;

export type PluginKindName = keyof typeof PLUGIN_KINDS;

export function isPluginKind(kind: string): kind is PluginKindName {
  return Object.prototype.hasOwnProperty.call(PLUGIN_KINDS, kind);
}
