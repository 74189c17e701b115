import { ConfigSection, ConfigValues, EnvVarSpec, envName } from './env-spec';
import { defaultValue, parseValue } from './parse-value';
import { StartupError } from './startup-error';

/** One declared variable, as `--help` and the README table show it. @publicApi */
export interface EnvVarRow {
  name: string;
  type: string;
  default: string;
  required: boolean;
  description: string;
}

/** Thrown when one or more variables are invalid; the message lists every one of them. */
export class ConfigValidationError extends StartupError {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigValidationError';
  }
}

/** The resource a connection pool offers and concurrent handlers demand. @publicApi */
export const DATABASE_CONNECTIONS = 'database connections';

/**
 * Resolves declared sections against an environment. Sections are parsed independently so that
 * every problem is reported, then `assertValid()` throws once with all of them.
 * @publicApi
 */
export class ConfigLoader {
  private readonly problems: string[] = [];
  private readonly rows: EnvVarRow[] = [];
  private readonly secrets = new Map<string, string>();
  private readonly demands: { resource: string; amount: number; variable: string; why: string }[] =
    [];
  private readonly supplies: { resource: string; amount: number; variable: string }[] = [];

  constructor(
    readonly envPrefix: string,
    private readonly env: Readonly<Record<string, string | undefined>>,
  ) {}

  load<F extends Record<string, EnvVarSpec>>(section: ConfigSection<F>): ConfigValues<F> {
    const values: Record<string, unknown> = {};
    for (const [field, spec] of Object.entries(section.fields)) {
      const name = envName(this.envPrefix, section.scope, field);
      // Several middlewares may load one shared section (auth, validate_token, admin_only);
      // each variable is listed, and each problem reported, once.
      if (!this.rows.some((row) => row.name === name)) this.rows.push(describe(name, spec));
      const raw = this.env[name];
      if (raw === undefined || raw.trim() === '') {
        if (spec.required && spec.default === undefined) {
          this.report(`${name} is required: ${spec.description}`);
        }
        values[field] = defaultValue(spec);
        continue;
      }
      if (spec.secret) this.secrets.set(name, raw);
      const parsed = parseValue(spec, raw);
      if (parsed.ok) values[field] = parsed.value;
      else this.report(`${name}: ${parsed.error}`);
    }
    return values as ConfigValues<F>;
  }

  /** Every variable loaded so far, in declaration order. */
  describe(): readonly EnvVarRow[] {
    return this.rows;
  }

  /**
   * Requires `amount` of `resource` (e.g. `database connections`) for what `variable` sets, e.g.
   * a consumer prefetch that has that many handlers, each holding one connection, at once.
   * Checked against every {@link provide} of the resource when `assertValid()` runs.
   */
  demand(resource: string, amount: number, variable: string, why: string): void {
    this.demands.push({ resource, amount, variable, why });
  }

  /** Offers `amount` of `resource`, as `variable` sets it (e.g. a connection pool size). */
  provide(resource: string, amount: number, variable: string): void {
    this.supplies.push({ resource, amount, variable });
  }

  /** Variables declared `secret` that the environment sets, with their raw values. */
  secretValues(): ReadonlyMap<string, string> {
    return this.secrets;
  }

  /** Adds a problem found outside the sections (e.g. a deployment rule); reported by `assertValid`. */
  report(problem: string): void {
    if (!this.problems.includes(problem)) this.problems.push(problem);
  }

  private checkCapacity(): void {
    for (const demand of this.demands) {
      for (const supply of this.supplies) {
        if (supply.resource !== demand.resource || supply.amount >= demand.amount) continue;
        this.report(
          `${demand.variable}=${demand.amount} exceeds ${supply.variable}=${supply.amount}: ${demand.why}; raise ${supply.variable} or lower ${demand.variable}`,
        );
      }
    }
  }

  assertValid(): void {
    this.checkCapacity();
    if (this.problems.length > 0) throw new ConfigValidationError(this.problems);
  }
}

function describe(name: string, spec: EnvVarSpec): EnvVarRow {
  const shown =
    spec.default === undefined
      ? ''
      : spec.secret
        ? '***'
        : Array.isArray(spec.default)
          ? spec.default.join(',')
          : String(spec.default);
  const type = spec.type === 'enum' ? `enum(${spec.values.join('|')})` : spec.type;
  return {
    name,
    type,
    default: shown,
    required: spec.required === true,
    description: spec.description,
  };
}
