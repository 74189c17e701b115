import { reflect } from '@bufbuild/protobuf/reflect';
import type { DescField, DescMessage, Message } from '@bufbuild/protobuf';
import type { ReflectMessage } from '@bufbuild/protobuf/reflect';
import { GeneratorError } from '../generator-error';

/** Scalar value of a rule option as protobuf-es reflects it. */
export type RuleValue = string | number | bigint | boolean | Uint8Array;

/** Where a rule was declared, for error messages. */
export interface RuleSite {
  file: string;
  /** e.g. `message CreateUserRequest, field name` */
  where: string;
}

/**
 * The rules explicitly set in one rules message (`validate.StringRules`, `validate.Int32Rules`...),
 * by proto field name. Presence comes from protobuf-es reflection, so a rule written with its
 * default value (`min_len: 0`) still counts as written.
 */
export class RuleSet {
  private readonly reflected: ReflectMessage;
  private readonly fields: Map<string, DescField>;

  constructor(
    /** Rule family as written in the proto: `string`, `int32`, `repeated`... */
    readonly family: string,
    schema: DescMessage,
    message: Message,
    readonly site: RuleSite,
  ) {
    this.reflected = reflect(schema, message);
    this.fields = new Map(
      schema.fields
        .filter((field) => this.reflected.isSet(field))
        .map((field) => [field.name, field]),
    );
  }

  /** Names of every rule written. */
  get names(): string[] {
    return [...this.fields.keys()];
  }

  has(name: string): boolean {
    return this.fields.has(name);
  }

  /** Fails the generation when a written rule is not in `supported`. */
  assertSupported(supported: readonly string[]): void {
    for (const name of this.fields.keys()) {
      if (!supported.includes(name)) throw this.unsupported(name);
    }
  }

  unsupported(name: string, reason = 'is not supported by the toolkit generator'): GeneratorError {
    return new GeneratorError(
      this.site.file,
      this.site.where,
      `rule (validate.rules).${this.family}.${name} ${reason}`,
    );
  }

  scalar(name: string): RuleValue | undefined {
    const field = this.fields.get(name);
    if (!field || (field.fieldKind !== 'scalar' && field.fieldKind !== 'enum')) return undefined;
    const value: unknown = this.reflected.get(field);
    return isRuleValue(value) ? value : undefined;
  }

  list(name: string): RuleValue[] {
    const field = this.fields.get(name);
    if (!field || field.fieldKind !== 'list') return [];
    const values: RuleValue[] = [];
    for (const value of this.reflected.get(field)) {
      if (isRuleValue(value)) values.push(value);
    }
    return values;
  }

  /** A nested rules message (`items`, `keys`, `values`), with its schema. */
  message(name: string): { schema: DescMessage; message: Message } | undefined {
    const field = this.fields.get(name);
    if (!field || field.fieldKind !== 'message') return undefined;
    return { schema: field.message, message: this.reflected.get(field).message };
  }

  number(name: string): number | undefined {
    const value = this.scalar(name);
    return typeof value === 'number' || typeof value === 'bigint' ? Number(value) : undefined;
  }

  string(name: string): string | undefined {
    const value = this.scalar(name);
    return typeof value === 'string' ? value : undefined;
  }

  /**
   * Refuses what PGV's generator refuses for one size family: the exact rule with a min/max
   * (`len` with `min_len`), and a min above the max. `exact` may be undefined (repeated, map).
   */
  assertSizeRules(exact: string | undefined, min: string, max: string): void {
    if (exact !== undefined && this.has(exact))
      for (const name of [min, max])
        if (this.has(name)) throw this.unsupported(name, `cannot be combined with ${exact}`);
    const low = this.number(min);
    const high = this.number(max);
    if (low !== undefined && high !== undefined && low > high)
      throw this.unsupported(min, `is greater than ${max}`);
  }

  /** Refuses `in` together with `not_in`, as PGV's generator does. */
  assertNotInAndNotIn(): void {
    if (this.has('in') && this.has('not_in'))
      throw this.unsupported('not_in', 'cannot be combined with in');
  }

  /** True only when the boolean rule is written and true (`uuid: false` means "not checked"). */
  flag(name: string): boolean {
    return this.scalar(name) === true;
  }
}

function isRuleValue(value: unknown): value is RuleValue {
  return (
    typeof value === 'string' ||
    typeof value === 'number' ||
    typeof value === 'bigint' ||
    typeof value === 'boolean' ||
    value instanceof Uint8Array
  );
}
