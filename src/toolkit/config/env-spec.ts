/** Kinds of environment values the toolkit parses. @publicApi */
export type EnvType = 'string' | 'int' | 'port' | 'bool' | 'duration' | 'enum' | 'list';

interface EnvVarBase {
  description: string;
  /** The process refuses to start when a required variable is unset or empty. */
  required?: boolean;
  /** Printed as `***` by `--help` and in start-up logs. */
  secret?: boolean;
}

/** @publicApi */
export type EnvVarSpec =
  | (EnvVarBase & { type: 'string'; default?: string })
  | (EnvVarBase & { type: 'int'; default?: number; min?: number; max?: number })
  | (EnvVarBase & { type: 'port'; default?: number })
  | (EnvVarBase & { type: 'bool'; default?: boolean })
  /** Milliseconds once parsed; accepts `250ms`, `30s`, `5m`, `1h`, `1h30m` or a bare number of ms. */
  | (EnvVarBase & { type: 'duration'; default?: string })
  | (EnvVarBase & { type: 'enum'; values: readonly string[]; default?: string })
  /** Comma-separated, items trimmed, empty items dropped. */
  | (EnvVarBase & { type: 'list'; default?: readonly string[] });

type ValueOf<S extends EnvVarSpec> = S extends { type: 'int' | 'port' | 'duration' }
  ? number
  : S extends { type: 'bool' }
    ? boolean
    : S extends { type: 'list' }
      ? string[]
      : string;

type HasValue<S extends EnvVarSpec> = S extends { default: unknown }
  ? true
  : S extends { required: true }
    ? true
    : false;

/** The parsed values of a config section: a field without default and not required may be undefined. */
export type ConfigValues<F extends Record<string, EnvVarSpec>> = {
  [K in keyof F]: HasValue<F[K]> extends true ? ValueOf<F[K]> : ValueOf<F[K]> | undefined;
};

/**
 * A declared group of variables: `<ENV_PREFIX>_<scope>_<FIELD>` (scope empty for the service's own
 * settings, e.g. `USER_SERVICE_REQUEST_TIMEOUT`).
 * @publicApi
 */
export interface ConfigSection<F extends Record<string, EnvVarSpec> = Record<string, EnvVarSpec>> {
  readonly scope: string;
  readonly fields: F;
}

/** Declares a config section; field keys are UPPER_SNAKE names. @publicApi */
export function defineConfig<F extends Record<string, EnvVarSpec>>(
  scope: string,
  fields: F,
): ConfigSection<F> {
  for (const key of Object.keys(fields)) {
    if (!/^[A-Z][A-Z0-9_]*$/.test(key)) throw new Error(`config field ${key} must be UPPER_SNAKE`);
  }
  return { scope: scope.toUpperCase().replace(/[^A-Z0-9]+/g, '_'), fields };
}

/** `USER_SERVICE` + `PGSQL` + `HOST` → `USER_SERVICE_PGSQL_HOST`. @publicApi */
export function envName(envPrefix: string, scope: string, field: string): string {
  return [envPrefix, scope, field].filter((part) => part.length > 0).join('_');
}
