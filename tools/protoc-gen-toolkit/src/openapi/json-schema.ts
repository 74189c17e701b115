import { ScalarType } from '@bufbuild/protobuf';
import type { DescEnum, DescField, DescMessage } from '@bufbuild/protobuf';
import { getComments } from '@bufbuild/protoplugin';
import { fieldRuleSets, FieldRuleSets, splitFieldRules } from '../validation/field-rules';
import { RuleSet, RuleSite } from '../validation/rule-set';

/** A JSON Schema (2020-12, the dialect of OpenAPI 3.1) as a plain object. */
export type JsonSchema = { [keyword: string]: unknown };

/** Well-known messages the runtime writes as one JSON value (src/toolkit/protojson/well-known.ts). */
const WRAPPERS: Record<string, ScalarType> = {
  'google.protobuf.DoubleValue': ScalarType.DOUBLE,
  'google.protobuf.FloatValue': ScalarType.FLOAT,
  'google.protobuf.Int64Value': ScalarType.INT64,
  'google.protobuf.UInt64Value': ScalarType.UINT64,
  'google.protobuf.Int32Value': ScalarType.INT32,
  'google.protobuf.UInt32Value': ScalarType.UINT32,
  'google.protobuf.BoolValue': ScalarType.BOOL,
  'google.protobuf.StringValue': ScalarType.STRING,
  'google.protobuf.BytesValue': ScalarType.BYTES,
};
const TIMESTAMP = 'google.protobuf.Timestamp';
const DURATION = 'google.protobuf.Duration';
const EMPTY = 'google.protobuf.Empty';

const SIGNED_64 = new Set([ScalarType.INT64, ScalarType.SINT64, ScalarType.SFIXED64]);
const UNSIGNED_64 = new Set([ScalarType.UINT64, ScalarType.FIXED64]);
const UNSIGNED_32 = new Set([ScalarType.UINT32, ScalarType.FIXED32]);

/** Whether a message is written as one text value, so that it can be a URL parameter. */
export function isTextMessage(message: DescMessage): boolean {
  return (
    message.typeName === TIMESTAMP || message.typeName === DURATION || message.typeName in WRAPPERS
  );
}

/** The JSON Schema of one scalar as protojson writes it (64-bit integers as strings). */
export function scalarSchema(scalar: ScalarType): JsonSchema {
  if (SIGNED_64.has(scalar)) return { type: 'string', format: 'int64', pattern: '^-?[0-9]+$' };
  if (UNSIGNED_64.has(scalar)) return { type: 'string', format: 'uint64', pattern: '^[0-9]+$' };
  if (UNSIGNED_32.has(scalar)) return { type: 'integer', minimum: 0, maximum: 4294967295 };
  switch (scalar) {
    case ScalarType.STRING:
      return { type: 'string' };
    case ScalarType.BOOL:
      return { type: 'boolean' };
    case ScalarType.BYTES:
      return { type: 'string', contentEncoding: 'base64' };
    case ScalarType.DOUBLE:
    case ScalarType.FLOAT: {
      const format = scalar === ScalarType.FLOAT ? 'float' : 'double';
      // Non-finite values are written as the strings protojson uses.
      return {
        anyOf: [
          { type: 'number', format },
          { type: 'string', enum: ['NaN', 'Infinity', '-Infinity'] },
        ],
      };
    }
    default:
      return { type: 'integer', format: 'int32' };
  }
}

function description(desc: DescField | DescMessage | DescEnum): JsonSchema {
  const text = getComments(desc).leading?.trim();
  return text ? { description: text } : {};
}

/**
 * Builds `components.schemas` from proto messages and enums under their full names, fields under
 * their proto (snake_case) names, as the runtime reads and writes them; `validate.rules` become
 * JSON Schema constraints where JSON Schema can say the same thing.
 */
export class SchemaRegistry {
  private readonly schemas = new Map<string, JsonSchema>();

  /** `{ $ref }` to the message's component, registering it (and what it refers to) first. */
  messageRef(message: DescMessage): JsonSchema {
    const special = this.specialMessage(message);
    if (special) return special;
    if (!this.schemas.has(message.typeName)) {
      this.schemas.set(message.typeName, {}); // placeholder: recursive messages terminate
      this.schemas.set(message.typeName, this.buildMessage(message));
    }
    return { $ref: `#/components/schemas/${message.typeName}` };
  }

  /** The object schema of a message (registered), for callers that need a variant of it. */
  messageSchema(message: DescMessage): JsonSchema {
    this.messageRef(message);
    return this.schemas.get(message.typeName) ?? { type: 'object' };
  }

  /** The schema of one field's value, rules included. */
  fieldSchema(field: DescField): JsonSchema {
    const site = siteOf(field);
    const rules = fieldRuleSets(field, site);
    switch (field.fieldKind) {
      case 'scalar':
        return this.valueSchema({ scalar: field.scalar }, rules.type, field);
      case 'enum':
        return this.valueSchema({ enumDesc: field.enum }, rules.type, field);
      case 'message': {
        const ref = this.messageRef(field.message);
        if (rules.message?.flag('required')) return { ...ref, ...description(field) };
        // Unset message fields are written as null.
        const nullable =
          typeof ref.type === 'string'
            ? { ...ref, type: [ref.type, 'null'] }
            : { anyOf: [ref, { type: 'null' }] };
        return { ...nullable, ...description(field) };
      }
      case 'list': {
        const items = this.nestedRules(rules.type, 'items', site);
        const item =
          field.listKind === 'message'
            ? this.messageRef(field.message)
            : this.valueSchema(
                field.listKind === 'scalar' ? { scalar: field.scalar } : { enumDesc: field.enum },
                items.type,
              );
        const schema: JsonSchema = { type: 'array', items: item, ...description(field) };
        applyCount(schema, rules.type, ['min_items', 'max_items'], ['minItems', 'maxItems']);
        if (rules.type?.flag('unique')) schema.uniqueItems = true;
        return schema;
      }
      case 'map': {
        const values = this.nestedRules(rules.type, 'values', site);
        const keys = this.nestedRules(rules.type, 'keys', site);
        const value =
          field.mapKind === 'message'
            ? this.messageRef(field.message)
            : this.valueSchema(
                field.mapKind === 'scalar' ? { scalar: field.scalar } : { enumDesc: field.enum },
                values.type,
              );
        const schema: JsonSchema = {
          type: 'object',
          additionalProperties: value,
          ...description(field),
        };
        if (field.mapKey === ScalarType.STRING && keys.type) {
          const keySchema = this.valueSchema({ scalar: ScalarType.STRING }, keys.type);
          delete keySchema.type;
          if (Object.keys(keySchema).length > 0) schema.propertyNames = keySchema;
        }
        applyCount(
          schema,
          rules.type,
          ['min_pairs', 'max_pairs'],
          ['minProperties', 'maxProperties'],
        );
        return schema;
      }
    }
  }

  /** Every registered component, by name, in a stable order. */
  components(): Record<string, JsonSchema> {
    const sorted = [...this.schemas.entries()].sort(([a], [b]) => a.localeCompare(b));
    return Object.fromEntries(sorted);
  }

  private specialMessage(message: DescMessage): JsonSchema | undefined {
    const name = message.typeName;
    if (name === TIMESTAMP) return { type: 'string', format: 'date-time' };
    if (name === DURATION)
      return { type: 'string', pattern: '^-?[0-9]+(\\.[0-9]{1,9})?s$', examples: ['1.5s'] };
    if (name === EMPTY) return { type: 'object' };
    const wrapped = WRAPPERS[name];
    return wrapped === undefined ? undefined : scalarSchema(wrapped);
  }

  private buildMessage(message: DescMessage): JsonSchema {
    const properties: Record<string, JsonSchema> = {};
    const required: string[] = [];
    for (const field of message.fields) {
      properties[field.name] = this.fieldSchema(field);
      if (fieldRuleSets(field, siteOf(field)).message?.flag('required')) required.push(field.name);
    }
    const schema: JsonSchema = { type: 'object', title: message.name, ...description(message) };
    schema.properties = properties;
    if (required.length > 0) schema.required = required;
    return schema;
  }

  private enumRef(desc: DescEnum): JsonSchema {
    if (!this.schemas.has(desc.typeName)) {
      this.schemas.set(desc.typeName, {
        type: 'string',
        title: desc.name,
        ...description(desc),
        enum: desc.values.map((value) => value.name),
      });
    }
    return { $ref: `#/components/schemas/${desc.typeName}` };
  }

  private nestedRules(rules: RuleSet | undefined, name: string, site: RuleSite): FieldRuleSets {
    const nested = rules?.message(name);
    return nested ? splitFieldRules(nested.schema, nested.message, site) : {};
  }

  private valueSchema(
    kind: { scalar: ScalarType } | { enumDesc: DescEnum },
    rules: RuleSet | undefined,
    field?: DescField,
  ): JsonSchema {
    const about = field ? description(field) : {};
    if ('enumDesc' in kind) {
      const names = allowedEnumNames(kind.enumDesc, rules);
      if (!names) return { ...this.enumRef(kind.enumDesc), ...about };
      return { type: 'string', enum: names, ...about };
    }
    const schema: JsonSchema = { ...scalarSchema(kind.scalar), ...about };
    if (!rules) return schema;
    const constraints = kind.scalar === ScalarType.STRING ? stringConstraints(rules) : {};
    if (isNumeric(kind.scalar) && !SIGNED_64.has(kind.scalar) && !UNSIGNED_64.has(kind.scalar))
      Object.assign(constraints, numberConstraints(rules));
    if (kind.scalar === ScalarType.BOOL && rules.has('const'))
      constraints.const = rules.scalar('const');
    const merged = mergeConstraints(schema, constraints);
    if (rules.flag('ignore_empty') && Object.keys(constraints).length > 0) {
      const empty = kind.scalar === ScalarType.STRING ? '' : 0;
      return { anyOf: [{ const: empty }, merged], ...about };
    }
    return merged;
  }
}

function siteOf(field: DescField): RuleSite {
  return {
    file: field.parent.file.proto.name,
    where: `message ${field.parent.name}, field ${field.name}`,
  };
}

function isNumeric(scalar: ScalarType): boolean {
  return scalar !== ScalarType.STRING && scalar !== ScalarType.BOOL && scalar !== ScalarType.BYTES;
}

function applyCount(
  schema: JsonSchema,
  rules: RuleSet | undefined,
  ruleNames: [string, string],
  keywords: [string, string],
): void {
  ruleNames.forEach((rule, index) => {
    const value = rules?.number(rule);
    if (value !== undefined) schema[keywords[index]] = value;
  });
}

/** Adds constraints onto the scalar schema; a float's `anyOf` gets them on its number branch. */
function mergeConstraints(schema: JsonSchema, constraints: JsonSchema): JsonSchema {
  if (Object.keys(constraints).length === 0) return schema;
  if (Array.isArray(schema.anyOf)) {
    const [number, ...rest] = schema.anyOf as JsonSchema[];
    return { ...schema, anyOf: [{ ...number, ...constraints }, ...rest] };
  }
  return { ...schema, ...constraints };
}

const FORMATS: Record<string, string> = {
  email: 'email',
  uuid: 'uuid',
  hostname: 'hostname',
  ipv4: 'ipv4',
  ipv6: 'ipv6',
  uri: 'uri',
  uri_ref: 'uri-reference',
};

/** JSON Schema lengths count code points, as PGV's `min_len`/`max_len`/`len` do. */
function stringConstraints(rules: RuleSet): JsonSchema {
  const schema: JsonSchema = {};
  const len = rules.number('len');
  if (len !== undefined) {
    schema.minLength = len;
    schema.maxLength = len;
  }
  const min = rules.number('min_len');
  if (min !== undefined) schema.minLength = min;
  const max = rules.number('max_len');
  if (max !== undefined) schema.maxLength = max;
  const patterns: string[] = [];
  const pattern = rules.string('pattern');
  // RE2 syntax the browser's RegExp cannot read (inline flags, \z...) is left to the server.
  if (pattern !== undefined && compilesAsEcmaScript(pattern)) patterns.push(pattern);
  const prefix = rules.string('prefix');
  if (prefix !== undefined) patterns.push(`^${escapeRegExp(prefix)}`);
  const suffix = rules.string('suffix');
  if (suffix !== undefined) patterns.push(`${escapeRegExp(suffix)}$`);
  const contains = rules.string('contains');
  if (contains !== undefined) patterns.push(escapeRegExp(contains));
  if (patterns.length === 1) schema.pattern = patterns[0];
  else if (patterns.length > 1) schema.allOf = patterns.map((p) => ({ pattern: p }));
  for (const [rule, format] of Object.entries(FORMATS)) {
    if (rules.flag(rule)) schema.format = format;
  }
  if (rules.has('const')) schema.const = rules.string('const');
  const allowed = rules.list('in').filter((value) => typeof value === 'string');
  if (allowed.length > 0) schema.enum = allowed;
  const denied = rules.list('not_in').filter((value) => typeof value === 'string');
  if (denied.length > 0) schema.not = { enum: denied };
  return schema;
}

function numberConstraints(rules: RuleSet): JsonSchema {
  const schema: JsonSchema = {};
  const gt = rules.number('gt');
  const gte = rules.number('gte');
  const lt = rules.number('lt');
  const lte = rules.number('lte');
  const lower = gt ?? gte;
  const upper = lt ?? lte;
  // PGV reads a lower bound above the upper one as "outside the range": say it with `not`.
  if (lower !== undefined && upper !== undefined && lower > upper) {
    schema.not = {
      ...(lt !== undefined ? { minimum: lt } : { exclusiveMinimum: lte }),
      ...(gt !== undefined ? { maximum: gt } : { exclusiveMaximum: gte }),
    };
  } else {
    if (gt !== undefined) schema.exclusiveMinimum = gt;
    if (gte !== undefined) schema.minimum = gte;
    if (lt !== undefined) schema.exclusiveMaximum = lt;
    if (lte !== undefined) schema.maximum = lte;
  }
  if (rules.has('const')) schema.const = rules.number('const');
  const allowed = rules.list('in').map(Number);
  if (allowed.length > 0) schema.enum = allowed;
  const denied = rules.list('not_in').map(Number);
  if (denied.length > 0) schema.not = { ...(schema.not as JsonSchema), enum: denied };
  return schema;
}

/** Enum values the rules allow, or undefined when every value is allowed (then the component is used). */
function allowedEnumNames(desc: DescEnum, rules: RuleSet | undefined): string[] | undefined {
  if (!rules) return undefined;
  const allowed = rules.list('in').map(Number);
  const denied = rules.list('not_in').map(Number);
  const constant = rules.number('const');
  if (allowed.length === 0 && denied.length === 0 && constant === undefined) return undefined;
  return desc.values
    .filter((value) => allowed.length === 0 || allowed.includes(value.number))
    .filter((value) => !denied.includes(value.number))
    .filter((value) => constant === undefined || value.number === constant)
    .map((value) => value.name);
}

function compilesAsEcmaScript(pattern: string): boolean {
  try {
    new RegExp(pattern, 'u');
    return true;
  } catch {
    return false;
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
