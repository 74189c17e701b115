import { ScalarType } from '@bufbuild/protobuf';
import type { DescEnum } from '@bufbuild/protobuf';
import { CodeWriter } from '../code/code-writer';
import { numberLiteral, quote } from '../code/literal';
import { EmitContext } from './emit-context';
import { lengthBounds, report, reportSizeBounds } from './report';
import { RuleSet, RuleValue } from './rule-set';

/** The type of one value being validated: a scalar or an enum. */
export type ValueKind = { scalar: ScalarType } | { enumDesc: DescEnum };

/** Rule family a value kind takes, as spelled in validate.FieldRules. */
export function ruleFamilyOf(kind: ValueKind): string {
  return 'scalar' in kind ? ScalarType[kind.scalar].toLowerCase() : 'enum';
}

const SIXTY_FOUR_BIT = new Set([
  ScalarType.INT64,
  ScalarType.UINT64,
  ScalarType.SINT64,
  ScalarType.FIXED64,
  ScalarType.SFIXED64,
]);

/** Expression converting the raw (unknown) value `raw` to the value the rules compare. */
export function convertValue(kind: ValueKind, raw: string, ctx: EmitContext): string {
  if ('enumDesc' in kind)
    return `${ctx.helper('asEnumNumber')}(${raw}, ${enumNumbers(kind.enumDesc, ctx)})`;
  switch (kind.scalar) {
    case ScalarType.STRING:
      return `${ctx.helper('asString')}(${raw})`;
    case ScalarType.BOOL:
      return `${raw} === true`;
    case ScalarType.BYTES:
      return `${ctx.helper('asBytes')}(${raw})`;
    case ScalarType.FLOAT:
      return `Math.fround(${ctx.helper('asNumber')}(${raw}))`;
    default:
      return SIXTY_FOUR_BIT.has(kind.scalar)
        ? `${ctx.helper('asBigInt')}(${raw})`
        : `${ctx.helper('asNumber')}(${raw})`;
  }
}

/** Expression converting a map key (always a string at run time) to its key type. */
export function convertMapKey(scalar: ScalarType, key: string, ctx: EmitContext): string {
  if (scalar === ScalarType.STRING) return key;
  if (scalar === ScalarType.BOOL) return `${key} === 'true'`;
  return convertValue({ scalar }, key, ctx);
}

/** Expression that is true when the converted value is its kind's zero value (for `ignore_empty`). */
function isEmpty(kind: ValueKind, value: string): string {
  if ('enumDesc' in kind) return `${value} === 0`;
  switch (kind.scalar) {
    case ScalarType.STRING:
      return `${value} === ''`;
    case ScalarType.BYTES:
      return `${value}.length === 0`;
    case ScalarType.BOOL:
      return `${value} === false`;
    default:
      return SIXTY_FOUR_BIT.has(kind.scalar) ? `${value} === 0n` : `${value} === 0`;
  }
}

/**
 * Emits the checks of one scalar/enum rule set on the converted value `value`; violations are
 * reported at the path expression `path`. Unsupported rules fail the generation.
 */
export function emitScalarRules(
  w: CodeWriter,
  ctx: EmitContext,
  rules: RuleSet,
  kind: ValueKind,
  value: string,
  path: string,
  /** Prefix of the module-level constants this field needs, e.g. `CreateUserRequest_email`. */
  label: string,
): void {
  const body = (): void => {
    if ('enumDesc' in kind) return emitEnumRules(w, ctx, rules, kind.enumDesc, value, path, label);
    switch (kind.scalar) {
      case ScalarType.STRING:
        return emitStringRules(w, ctx, rules, value, path, label);
      case ScalarType.BYTES:
        return emitBytesRules(w, ctx, rules, value, path, label);
      case ScalarType.BOOL:
        return emitBoolRules(w, ctx, rules, value, path);
      default:
        return emitNumericRules(w, ctx, rules, kind.scalar, value, path, label);
    }
  };
  if (rules.flag('ignore_empty')) w.block(`if (!(${isEmpty(kind, value)})) {`, body);
  else body();
}

/** protovalidate prints lists as `[a, b, c]`. */
function listText(values: readonly string[]): string {
  return `[${values.join(', ')}]`;
}

const STRING_RULES = [
  'const',
  'len',
  'min_len',
  'max_len',
  'len_bytes',
  'min_bytes',
  'max_bytes',
  'pattern',
  'prefix',
  'suffix',
  'contains',
  'not_contains',
  'in',
  'not_in',
  'email',
  'hostname',
  'ip',
  'ipv4',
  'ipv6',
  'uri',
  'uri_ref',
  'address',
  'uuid',
  'ignore_empty',
];

/** Well-known string formats: validation helper, description noun, whether "" has its own rule id. */
const STRING_FORMATS: readonly {
  rule: string;
  helper: string;
  noun: string;
  emptyRule: boolean;
}[] = [
  { rule: 'email', helper: 'isEmail', noun: 'email address', emptyRule: true },
  { rule: 'hostname', helper: 'isHostname', noun: 'hostname', emptyRule: true },
  { rule: 'ip', helper: 'isIp', noun: 'IP address', emptyRule: true },
  { rule: 'ipv4', helper: 'isIpv4', noun: 'IPv4 address', emptyRule: true },
  { rule: 'ipv6', helper: 'isIpv6', noun: 'IPv6 address', emptyRule: true },
  { rule: 'uri', helper: 'isUri', noun: 'URI', emptyRule: true },
  { rule: 'uri_ref', helper: 'isUriRef', noun: 'URI Reference', emptyRule: false },
  { rule: 'address', helper: 'isAddress', noun: 'hostname, or ip address', emptyRule: true },
  { rule: 'uuid', helper: 'isUuid', noun: 'UUID', emptyRule: true },
];

function emitStringRules(
  w: CodeWriter,
  ctx: EmitContext,
  rules: RuleSet,
  value: string,
  path: string,
  label: string,
): void {
  rules.assertSupported(STRING_RULES);
  rules.assertSizeRules('len', 'min_len', 'max_len');
  rules.assertSizeRules('len_bytes', 'min_bytes', 'max_bytes');
  rules.assertNotInAndNotIn();
  const text = (name: string): string => rules.string(name) ?? '';
  if (rules.has('const'))
    report(
      w,
      ctx,
      `${value} !== ${quote(text('const'))}`,
      path,
      'string.const',
      `value must equal \`${text('const')}\``,
    );
  if (rules.has('len') || rules.has('min_len') || rules.has('max_len')) {
    const length = `${value}Length`;
    w.line(`const ${length} = ${ctx.validation('codePointLength')}(${value});`);
    reportSizeBounds(
      w,
      ctx,
      rules,
      { measure: length, path, family: 'string' },
      lengthBounds(['len', 'min_len', 'max_len'], 'characters'),
    );
  }
  if (rules.has('len_bytes') || rules.has('min_bytes') || rules.has('max_bytes')) {
    const bytes = `${value}Bytes`;
    w.line(`const ${bytes} = ${ctx.validation('utf8ByteLength')}(${value});`);
    reportSizeBounds(
      w,
      ctx,
      rules,
      { measure: bytes, path, family: 'string' },
      lengthBounds(['len_bytes', 'min_bytes', 'max_bytes'], 'bytes'),
    );
  }
  if (rules.has('pattern')) {
    const pattern = ctx.constant(
      `${label}_pattern`,
      `${ctx.validation('compilePattern')}(${quote(text('pattern'))})`,
    );
    report(
      w,
      ctx,
      `!${pattern}.test(${value})`,
      path,
      'string.pattern',
      `value does not match regex pattern \`${text('pattern')}\``,
    );
  }
  if (rules.has('prefix'))
    report(
      w,
      ctx,
      `!${value}.startsWith(${quote(text('prefix'))})`,
      path,
      'string.prefix',
      `value does not have prefix \`${text('prefix')}\``,
    );
  if (rules.has('suffix'))
    report(
      w,
      ctx,
      `!${value}.endsWith(${quote(text('suffix'))})`,
      path,
      'string.suffix',
      `value does not have suffix \`${text('suffix')}\``,
    );
  if (rules.has('contains'))
    report(
      w,
      ctx,
      `!${value}.includes(${quote(text('contains'))})`,
      path,
      'string.contains',
      `value does not contain substring \`${text('contains')}\``,
    );
  if (rules.has('not_contains'))
    report(
      w,
      ctx,
      `${value}.includes(${quote(text('not_contains'))})`,
      path,
      'string.not_contains',
      `value contains substring \`${text('not_contains')}\``,
    );
  emitMembership(w, ctx, rules, 'string', value, path, label, (item) =>
    typeof item === 'string' ? { code: quote(item), text: item } : undefined,
  );
  for (const format of STRING_FORMATS) {
    if (!rules.flag(format.rule)) continue;
    const check = `!${ctx.validation(format.helper)}(${value})`;
    if (format.emptyRule) {
      report(
        w,
        ctx,
        `${value} === ''`,
        path,
        `string.${format.rule}_empty`,
        `value is empty, which is not a valid ${format.noun}`,
      );
      report(
        w,
        ctx,
        `${value} !== '' && ${check}`,
        path,
        `string.${format.rule}`,
        `value must be a valid ${format.noun}`,
      );
    } else {
      report(w, ctx, check, path, `string.${format.rule}`, `value must be a valid ${format.noun}`);
    }
  }
}

const BYTES_RULES = [
  'const',
  'len',
  'min_len',
  'max_len',
  'pattern',
  'prefix',
  'suffix',
  'contains',
  'in',
  'not_in',
  'ip',
  'ipv4',
  'ipv6',
  'ignore_empty',
];

/** Bytes formats: validation helper and description noun (PGV checks the raw address bytes). */
const BYTES_FORMATS: readonly { rule: string; helper: string; noun: string }[] = [
  { rule: 'ip', helper: 'isIpBytes', noun: 'IP address' },
  { rule: 'ipv4', helper: 'isIpv4Bytes', noun: 'IPv4 address' },
  { rule: 'ipv6', helper: 'isIpv6Bytes', noun: 'IPv6 address' },
];

/** `new Uint8Array([...])` for a bytes operand. */
function bytesLiteral(bytes: Uint8Array): string {
  return `new Uint8Array([${[...bytes].map((byte) => `0x${byte.toString(16).padStart(2, '0')}`).join(', ')}])`;
}

/** A bytes operand for messages: printable ASCII as is, every other byte as `\\xNN`. */
function bytesText(bytes: Uint8Array): string {
  return [...bytes]
    .map((byte) =>
      byte >= 0x20 && byte < 0x7f && byte !== 0x5c
        ? String.fromCharCode(byte)
        : `\\x${byte.toString(16).padStart(2, '0')}`,
    )
    .join('');
}

function emitBytesRules(
  w: CodeWriter,
  ctx: EmitContext,
  rules: RuleSet,
  value: string,
  path: string,
  label: string,
): void {
  rules.assertSupported(BYTES_RULES);
  rules.assertSizeRules('len', 'min_len', 'max_len');
  rules.assertNotInAndNotIn();
  const operand = (name: string): Uint8Array => {
    const raw = rules.scalar(name);
    return raw instanceof Uint8Array ? raw : new Uint8Array(0);
  };
  if (rules.has('const')) {
    const expected = ctx.constant(`${label}_const`, bytesLiteral(operand('const')));
    report(
      w,
      ctx,
      `!${ctx.validation('bytesEqual')}(${value}, ${expected})`,
      path,
      'bytes.const',
      `value must equal \`${bytesText(operand('const'))}\``,
    );
  }
  reportSizeBounds(
    w,
    ctx,
    rules,
    { measure: `${value}.length`, path, family: 'bytes' },
    lengthBounds(['len', 'min_len', 'max_len'], 'bytes'),
  );
  if (rules.has('pattern')) {
    const source = rules.string('pattern') ?? '';
    const pattern = ctx.constant(
      `${label}_pattern`,
      `${ctx.validation('compilePattern')}(${quote(source)})`,
    );
    report(
      w,
      ctx,
      `!${pattern}.test(${ctx.validation('bytesAsText')}(${value}))`,
      path,
      'bytes.pattern',
      `value does not match regex pattern \`${source}\``,
    );
  }
  const affixes = [
    ['prefix', 'bytesHasPrefix', 'value does not have prefix'],
    ['suffix', 'bytesHasSuffix', 'value does not have suffix'],
    ['contains', 'bytesContains', 'value does not contain'],
  ] as const;
  for (const [name, helper, words] of affixes) {
    if (!rules.has(name)) continue;
    const bytes = ctx.constant(`${label}_${name}`, bytesLiteral(operand(name)));
    report(
      w,
      ctx,
      `!${ctx.validation(helper)}(${value}, ${bytes})`,
      path,
      `bytes.${name}`,
      `${words} \`${bytesText(operand(name))}\``,
    );
  }
  for (const [name, negate] of [
    ['in', false],
    ['not_in', true],
  ] as const) {
    if (!rules.has(name)) continue;
    const items = rules.list(name).filter((item): item is Uint8Array => item instanceof Uint8Array);
    const list = ctx.constant(`${label}_${name}`, `[${items.map(bytesLiteral).join(', ')}]`);
    const member = `${ctx.validation('bytesIn')}(${value}, ${list})`;
    report(
      w,
      ctx,
      negate ? member : `!${member}`,
      path,
      `bytes.${name}`,
      `value ${negate ? 'must not be in list' : 'must be in list'} ${listText(items.map(bytesText))}`,
    );
  }
  for (const format of BYTES_FORMATS) {
    if (!rules.flag(format.rule)) continue;
    report(
      w,
      ctx,
      `!${ctx.validation(format.helper)}(${value})`,
      path,
      `bytes.${format.rule}`,
      `value must be a valid ${format.noun} in byte format`,
    );
  }
}

function emitBoolRules(
  w: CodeWriter,
  ctx: EmitContext,
  rules: RuleSet,
  value: string,
  path: string,
): void {
  rules.assertSupported(['const']);
  if (rules.has('const')) {
    const expected = rules.flag('const');
    report(w, ctx, `${value} !== ${expected}`, path, 'bool.const', `value must equal ${expected}`);
  }
}

function emitEnumRules(
  w: CodeWriter,
  ctx: EmitContext,
  rules: RuleSet,
  enumDesc: DescEnum,
  value: string,
  path: string,
  label: string,
): void {
  rules.assertSupported(['const', 'defined_only', 'in', 'not_in']);
  rules.assertNotInAndNotIn();
  if (rules.flag('defined_only')) {
    const declared = new Set(enumDesc.values.map((item) => item.number));
    const undeclared = rules.list('in').find((item) => !declared.has(Number(item)));
    if (undeclared !== undefined)
      throw rules.unsupported(
        'in',
        `holds ${String(undeclared)}, which ${enumDesc.typeName} does not declare, with defined_only`,
      );
  }
  if (rules.has('const')) {
    const expected = rules.number('const') ?? 0;
    report(w, ctx, `${value} !== ${expected}`, path, 'enum.const', `value must equal ${expected}`);
  }
  if (rules.flag('defined_only')) {
    const numbers = [...new Set(enumDesc.values.map((item) => item.number))];
    const defined = ctx.sharedConstant(
      `${enumConstBase(enumDesc)}_defined`,
      `new Set<number>([${numbers.join(', ')}])`,
    );
    report(
      w,
      ctx,
      `${value} === undefined || !${defined}.has(${value})`,
      path,
      'enum.defined_only',
      'value must be one of the defined enum values',
    );
  }
  const toItem = (item: RuleValue): { code: string; text: string } | undefined =>
    typeof item === 'number' ? { code: String(item), text: String(item) } : undefined;
  emitMembership(w, ctx, rules, 'enum', value, path, label, toItem, true);
}

type NumberValue = number | bigint;

/** The comparison that breaks a bound: `gt: 5` is broken by `value <= 5`. */
const NEGATED: Readonly<Record<string, string>> = { '>': '<=', '>=': '<', '<': '>=', '<=': '>' };

interface Bound {
  name: string;
  bound: NumberValue;
}

/**
 * Rule sets PGV's generator refuses (module/checker.go) are refused here too, so a contradictory
 * proto fails at generation, not with surprising verdicts at run time.
 */
function checkNumericRules(
  rules: RuleSet,
  found: {
    constant?: NumberValue;
    gt?: NumberValue;
    gte?: NumberValue;
    lt?: NumberValue;
    lte?: NumberValue;
    lower?: Bound;
    upper?: Bound;
  },
): void {
  const { constant, gt, gte, lt, lte, lower, upper } = found;
  if (gt !== undefined && gte !== undefined)
    throw rules.unsupported('gte', 'cannot be combined with gt');
  if (lt !== undefined && lte !== undefined)
    throw rules.unsupported('lte', 'cannot be combined with lt');
  if (constant !== undefined) {
    const other = rules.names.find((name) => name !== 'const' && name !== 'ignore_empty');
    if (other) throw rules.unsupported(other, 'cannot be combined with const');
  }
  if (rules.has('in') && (lower || upper))
    throw rules.unsupported('in', 'cannot be combined with a range (lt, lte, gt, gte)');
  rules.assertNotInAndNotIn();
  if (lower && upper && lower.bound === upper.bound)
    throw rules.unsupported(upper.name, `equals ${lower.name}; use const for a single value`);
}

function emitNumericRules(
  w: CodeWriter,
  ctx: EmitContext,
  rules: RuleSet,
  scalar: ScalarType,
  value: string,
  path: string,
  label: string,
): void {
  rules.assertSupported(['const', 'lt', 'lte', 'gt', 'gte', 'in', 'not_in', 'ignore_empty']);
  const family = rules.family;
  const isFloat = scalar === ScalarType.FLOAT;
  const read = (name: string): NumberValue | undefined => {
    const raw = rules.scalar(name);
    return typeof raw === 'number' || typeof raw === 'bigint' ? raw : undefined;
  };
  const code = (n: NumberValue): string => (typeof n === 'bigint' ? `${n}n` : numberLiteral(n));
  const text = (n: NumberValue): string =>
    typeof n === 'bigint' ? String(n) : isFloat ? shortestFloat32(n) : String(n);
  const constant = read('const');
  if (constant !== undefined)
    report(
      w,
      ctx,
      `${value} !== ${code(constant)}`,
      path,
      `${family}.const`,
      `value must equal ${text(constant)}`,
    );

  const gt = read('gt');
  const gte = read('gte');
  const lt = read('lt');
  const lte = read('lte');
  const lower =
    gt !== undefined
      ? { name: 'gt', bound: gt, op: '>', words: 'greater than' }
      : gte !== undefined
        ? { name: 'gte', bound: gte, op: '>=', words: 'greater than or equal to' }
        : undefined;
  const upper =
    lt !== undefined
      ? { name: 'lt', bound: lt, op: '<', words: 'less than' }
      : lte !== undefined
        ? { name: 'lte', bound: lte, op: '<=', words: 'less than or equal to' }
        : undefined;
  checkNumericRules(rules, { constant, gt, gte, lt, lte, lower, upper });
  // Every check has PGV's form "reject when value <op> bound", so NaN, which compares false with
  // everything, passes every range rule (it still fails const and in).
  if (lower && upper) {
    // PGV: a lower bound above the upper bound means "outside the range".
    const exclusive = lower.bound > upper.bound;
    const belowLower = `${value} ${NEGATED[lower.op]} ${code(lower.bound)}`;
    const aboveUpper = `${value} ${NEGATED[upper.op]} ${code(upper.bound)}`;
    const rule = `${family}.${lower.name}_${upper.name}${exclusive ? '_exclusive' : ''}`;
    const joiner = exclusive ? 'or' : 'and';
    report(
      w,
      ctx,
      exclusive ? `${aboveUpper} && ${belowLower}` : `${belowLower} || ${aboveUpper}`,
      path,
      rule,
      `value must be ${lower.words} ${text(lower.bound)} ${joiner} ${upper.words} ${text(upper.bound)}`,
    );
  } else if (lower) {
    report(
      w,
      ctx,
      `${value} ${NEGATED[lower.op]} ${code(lower.bound)}`,
      path,
      `${family}.${lower.name}`,
      `value must be ${lower.words} ${text(lower.bound)}`,
    );
  } else if (upper) {
    report(
      w,
      ctx,
      `${value} ${NEGATED[upper.op]} ${code(upper.bound)}`,
      path,
      `${family}.${upper.name}`,
      `value must be ${upper.words} ${text(upper.bound)}`,
    );
  }
  const toItem = (item: RuleValue): { code: string; text: string } | undefined =>
    typeof item === 'number' || typeof item === 'bigint'
      ? { code: code(item), text: text(item) }
      : undefined;
  emitMembership(w, ctx, rules, family, value, path, label, toItem);
}

/** `in` / `not_in`: a module-level Set built once. */
function emitMembership(
  w: CodeWriter,
  ctx: EmitContext,
  rules: RuleSet,
  family: string,
  value: string,
  path: string,
  label: string,
  toItem: (item: RuleValue) => { code: string; text: string } | undefined,
  maybeUndefined = false,
): void {
  for (const [name, negate] of [
    ['in', false],
    ['not_in', true],
  ] as const) {
    if (!rules.has(name)) continue;
    const items = rules
      .list(name)
      .map(toItem)
      .filter((item): item is { code: string; text: string } => item !== undefined);
    const set = ctx.constant(
      `${label}_${name}`,
      `new Set([${items.map((item) => item.code).join(', ')}])`,
    );
    const known = maybeUndefined ? `${value} !== undefined && ` : '';
    const condition = negate ? `${known}${set}.has(${value})` : `!(${known}${set}.has(${value}))`;
    const words = negate ? 'must not be in list' : 'must be in list';
    report(
      w,
      ctx,
      condition,
      path,
      `${family}.${name}`,
      `value ${words} ${listText(items.map((item) => item.text))}`,
    );
  }
}

/** Shortest decimal that reads back as the same float32, as Go prints a float32 rule value. */
function shortestFloat32(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  for (let digits = 1; digits <= 9; digits += 1) {
    const candidate = Number(value.toPrecision(digits));
    if (Math.fround(candidate) === value) return String(candidate);
  }
  return String(value);
}

/** Module-level `{ NAME: number }` table of an enum, for converting run-time names. */
export function enumNumbers(enumDesc: DescEnum, ctx: EmitContext): string {
  const entries = enumDesc.values.map((item) => `${quote(item.name)}: ${item.number}`).join(', ');
  return ctx.sharedConstant(
    `${enumConstBase(enumDesc)}_numbers`,
    `{ ${entries} } as Readonly<Record<string, number>>`,
  );
}

function enumConstBase(enumDesc: DescEnum): string {
  return enumDesc.typeName.replace(/\./g, '_');
}
