/**
 * The messages of test/proto/conformance/pgv_harness{,_extended}.proto and the rules each one
 * carries, in the shape of shared/conformance/pgv-cases{,-extended}.json (`type`, `enum`, `rules`),
 * so a conformance test can pick the message for a case by comparing rules.
 */
export interface PgvHarnessMessage {
  /** Full proto name; its validator is `registry.message(message).validate`. */
  message: string;
  /** Field type as the cases spell it: `string`, `sint64`, `enum`, `repeated<enum>`, `map<K,V>`. */
  type: string;
  /** Full name of the harness enum (in the cases' naming) for types that involve one. */
  enum?: string;
  rules: Readonly<Record<string, unknown>>;
}

/** One entry per message of pgv_harness.proto. */
export const PGV_HARNESS_MESSAGES: readonly PgvHarnessMessage[] = [
  { message: 'conformance.StringLen', type: 'string', rules: { len: 3 } },
  { message: 'conformance.StringMinLen', type: 'string', rules: { min_len: 3 } },
  { message: 'conformance.StringMaxLen', type: 'string', rules: { max_len: 5 } },
  { message: 'conformance.StringMinMaxLen', type: 'string', rules: { min_len: 3, max_len: 5 } },
  {
    message: 'conformance.StringEqualMinMaxLen',
    type: 'string',
    rules: { min_len: 5, max_len: 5 },
  },
  { message: 'conformance.StringPattern', type: 'string', rules: { pattern: '(?i)^[a-z0-9]+$' } },
  {
    message: 'conformance.StringPatternEscapes',
    type: 'string',
    rules: { pattern: '\\* \\\\ \\w' },
  },
  { message: 'conformance.StringUUID', type: 'string', rules: { uuid: true } },
  { message: 'conformance.StringIn', type: 'string', rules: { in: ['bar', 'baz'] } },
  { message: 'conformance.Int32LTE', type: 'int32', rules: { lte: 64 } },
  { message: 'conformance.Int32GTE', type: 'int32', rules: { gte: 8 } },
  { message: 'conformance.Int32GTELTE', type: 'int32', rules: { gte: 128, lte: 256 } },
  { message: 'conformance.Int32ExGTELTE', type: 'int32', rules: { lte: 128, gte: 256 } },
];

/** One entry per message of pgv_harness_extended.proto (rules as in pgv-cases-extended.json). */
export const PGV_HARNESS_EXTENDED_MESSAGES: readonly PgvHarnessMessage[] = [
  { message: 'conformance.extended.FloatConst', type: 'float', rules: { const: 1.23 } },
  { message: 'conformance.extended.FloatIn', type: 'float', rules: { in: [4.56, 7.89] } },
  { message: 'conformance.extended.FloatNotIn', type: 'float', rules: { not_in: [0] } },
  { message: 'conformance.extended.FloatLt', type: 'float', rules: { lt: 0 } },
  { message: 'conformance.extended.FloatLte', type: 'float', rules: { lte: 64 } },
  { message: 'conformance.extended.FloatGt', type: 'float', rules: { gt: 16 } },
  { message: 'conformance.extended.FloatGte', type: 'float', rules: { gte: 8 } },
  { message: 'conformance.extended.FloatGtLt', type: 'float', rules: { gt: 0, lt: 10 } },
  { message: 'conformance.extended.FloatExclusiveGtLt', type: 'float', rules: { lt: 0, gt: 10 } },
  { message: 'conformance.extended.FloatGteLte', type: 'float', rules: { gte: 128, lte: 256 } },
  {
    message: 'conformance.extended.FloatExclusiveGteLte',
    type: 'float',
    rules: { lte: 128, gte: 256 },
  },
  {
    message: 'conformance.extended.FloatIgnoreEmptyGteLte',
    type: 'float',
    rules: { gte: 128, lte: 256, ignore_empty: true },
  },
  { message: 'conformance.extended.DoubleConst', type: 'double', rules: { const: 1.23 } },
  { message: 'conformance.extended.DoubleIn', type: 'double', rules: { in: [4.56, 7.89] } },
  { message: 'conformance.extended.DoubleNotIn', type: 'double', rules: { not_in: [0] } },
  { message: 'conformance.extended.DoubleLt', type: 'double', rules: { lt: 0 } },
  { message: 'conformance.extended.DoubleLte', type: 'double', rules: { lte: 64 } },
  { message: 'conformance.extended.DoubleGt', type: 'double', rules: { gt: 16 } },
  { message: 'conformance.extended.DoubleGte', type: 'double', rules: { gte: 8 } },
  { message: 'conformance.extended.DoubleGtLt', type: 'double', rules: { gt: 0, lt: 10 } },
  { message: 'conformance.extended.DoubleExclusiveGtLt', type: 'double', rules: { lt: 0, gt: 10 } },
  { message: 'conformance.extended.DoubleGteLte', type: 'double', rules: { gte: 128, lte: 256 } },
  {
    message: 'conformance.extended.DoubleExclusiveGteLte',
    type: 'double',
    rules: { lte: 128, gte: 256 },
  },
  {
    message: 'conformance.extended.DoubleIgnoreEmptyGteLte',
    type: 'double',
    rules: { lte: 128, gte: 256, ignore_empty: true },
  },
  { message: 'conformance.extended.Int32Const', type: 'int32', rules: { const: 1 } },
  { message: 'conformance.extended.Int32In', type: 'int32', rules: { in: [2, 3] } },
  { message: 'conformance.extended.Int32NotIn', type: 'int32', rules: { not_in: [0] } },
  { message: 'conformance.extended.Int32Lt', type: 'int32', rules: { lt: 0 } },
  { message: 'conformance.extended.Int32Gt', type: 'int32', rules: { gt: 16 } },
  { message: 'conformance.extended.Int32GtLt', type: 'int32', rules: { gt: 0, lt: 10 } },
  { message: 'conformance.extended.Int32ExclusiveGtLt', type: 'int32', rules: { lt: 0, gt: 10 } },
  {
    message: 'conformance.extended.Int32IgnoreEmptyGteLte',
    type: 'int32',
    rules: { lte: 128, gte: 256, ignore_empty: true },
  },
  { message: 'conformance.extended.Int64Const', type: 'int64', rules: { const: 1 } },
  { message: 'conformance.extended.Int64In', type: 'int64', rules: { in: [2, 3] } },
  { message: 'conformance.extended.Int64NotIn', type: 'int64', rules: { not_in: [0] } },
  { message: 'conformance.extended.Int64Lt', type: 'int64', rules: { lt: 0 } },
  { message: 'conformance.extended.Int64Lte', type: 'int64', rules: { lte: 64 } },
  { message: 'conformance.extended.Int64Gt', type: 'int64', rules: { gt: 16 } },
  { message: 'conformance.extended.Int64Gte', type: 'int64', rules: { gte: 8 } },
  { message: 'conformance.extended.Int64GtLt', type: 'int64', rules: { gt: 0, lt: 10 } },
  { message: 'conformance.extended.Int64ExclusiveGtLt', type: 'int64', rules: { lt: 0, gt: 10 } },
  { message: 'conformance.extended.Int64GteLte', type: 'int64', rules: { gte: 128, lte: 256 } },
  {
    message: 'conformance.extended.Int64ExclusiveGteLte',
    type: 'int64',
    rules: { lte: 128, gte: 256 },
  },
  {
    message: 'conformance.extended.Int64IgnoreEmptyGteLte',
    type: 'int64',
    rules: { lte: 128, gte: 256, ignore_empty: true },
  },
  { message: 'conformance.extended.Uint32Const', type: 'uint32', rules: { const: 1 } },
  { message: 'conformance.extended.Uint32In', type: 'uint32', rules: { in: [2, 3] } },
  { message: 'conformance.extended.Uint32NotIn', type: 'uint32', rules: { not_in: [0] } },
  { message: 'conformance.extended.Uint32Lt', type: 'uint32', rules: { lt: 5 } },
  { message: 'conformance.extended.Uint32Lte', type: 'uint32', rules: { lte: 64 } },
  { message: 'conformance.extended.Uint32Gt', type: 'uint32', rules: { gt: 16 } },
  { message: 'conformance.extended.Uint32Gte', type: 'uint32', rules: { gte: 8 } },
  { message: 'conformance.extended.Uint32GtLt', type: 'uint32', rules: { gt: 5, lt: 10 } },
  { message: 'conformance.extended.Uint32ExclusiveGtLt', type: 'uint32', rules: { lt: 5, gt: 10 } },
  { message: 'conformance.extended.Uint32GteLte', type: 'uint32', rules: { gte: 128, lte: 256 } },
  {
    message: 'conformance.extended.Uint32ExclusiveGteLte',
    type: 'uint32',
    rules: { lte: 128, gte: 256 },
  },
  {
    message: 'conformance.extended.Uint32IgnoreEmptyGteLte',
    type: 'uint32',
    rules: { lte: 128, gte: 256, ignore_empty: true },
  },
  { message: 'conformance.extended.Uint64Const', type: 'uint64', rules: { const: 1 } },
  { message: 'conformance.extended.Uint64In', type: 'uint64', rules: { in: [2, 3] } },
  { message: 'conformance.extended.Uint64NotIn', type: 'uint64', rules: { not_in: [0] } },
  { message: 'conformance.extended.Uint64Lt', type: 'uint64', rules: { lt: 5 } },
  { message: 'conformance.extended.Uint64Lte', type: 'uint64', rules: { lte: 64 } },
  { message: 'conformance.extended.Uint64Gt', type: 'uint64', rules: { gt: 16 } },
  { message: 'conformance.extended.Uint64Gte', type: 'uint64', rules: { gte: 8 } },
  { message: 'conformance.extended.Uint64GtLt', type: 'uint64', rules: { gt: 5, lt: 10 } },
  { message: 'conformance.extended.Uint64ExclusiveGtLt', type: 'uint64', rules: { lt: 5, gt: 10 } },
  { message: 'conformance.extended.Uint64GteLte', type: 'uint64', rules: { gte: 128, lte: 256 } },
  {
    message: 'conformance.extended.Uint64ExclusiveGteLte',
    type: 'uint64',
    rules: { lte: 128, gte: 256 },
  },
  {
    message: 'conformance.extended.Uint64IgnoreEmptyGteLte',
    type: 'uint64',
    rules: { lte: 128, gte: 256, ignore_empty: true },
  },
  { message: 'conformance.extended.Sint32Const', type: 'sint32', rules: { const: 1 } },
  { message: 'conformance.extended.Sint32In', type: 'sint32', rules: { in: [2, 3] } },
  { message: 'conformance.extended.Sint32NotIn', type: 'sint32', rules: { not_in: [0] } },
  { message: 'conformance.extended.Sint32Lt', type: 'sint32', rules: { lt: 0 } },
  { message: 'conformance.extended.Sint32Lte', type: 'sint32', rules: { lte: 64 } },
  { message: 'conformance.extended.Sint32Gt', type: 'sint32', rules: { gt: 16 } },
  { message: 'conformance.extended.Sint32Gte', type: 'sint32', rules: { gte: 8 } },
  { message: 'conformance.extended.Sint32GtLt', type: 'sint32', rules: { gt: 0, lt: 10 } },
  { message: 'conformance.extended.Sint32ExclusiveGtLt', type: 'sint32', rules: { lt: 0, gt: 10 } },
  { message: 'conformance.extended.Sint32GteLte', type: 'sint32', rules: { gte: 128, lte: 256 } },
  {
    message: 'conformance.extended.Sint32ExclusiveGteLte',
    type: 'sint32',
    rules: { lte: 128, gte: 256 },
  },
  {
    message: 'conformance.extended.Sint32IgnoreEmptyGteLte',
    type: 'sint32',
    rules: { lte: 128, gte: 256, ignore_empty: true },
  },
  { message: 'conformance.extended.Sint64Const', type: 'sint64', rules: { const: 1 } },
  { message: 'conformance.extended.Sint64In', type: 'sint64', rules: { in: [2, 3] } },
  { message: 'conformance.extended.Sint64NotIn', type: 'sint64', rules: { not_in: [0] } },
  { message: 'conformance.extended.Sint64Lt', type: 'sint64', rules: { lt: 0 } },
  { message: 'conformance.extended.Sint64Lte', type: 'sint64', rules: { lte: 64 } },
  { message: 'conformance.extended.Sint64Gt', type: 'sint64', rules: { gt: 16 } },
  { message: 'conformance.extended.Sint64Gte', type: 'sint64', rules: { gte: 8 } },
  { message: 'conformance.extended.Sint64GtLt', type: 'sint64', rules: { gt: 0, lt: 10 } },
  { message: 'conformance.extended.Sint64ExclusiveGtLt', type: 'sint64', rules: { lt: 0, gt: 10 } },
  { message: 'conformance.extended.Sint64GteLte', type: 'sint64', rules: { gte: 128, lte: 256 } },
  {
    message: 'conformance.extended.Sint64ExclusiveGteLte',
    type: 'sint64',
    rules: { lte: 128, gte: 256 },
  },
  {
    message: 'conformance.extended.Sint64IgnoreEmptyGteLte',
    type: 'sint64',
    rules: { lte: 128, gte: 256, ignore_empty: true },
  },
  { message: 'conformance.extended.Fixed32Const', type: 'fixed32', rules: { const: 1 } },
  { message: 'conformance.extended.Fixed32In', type: 'fixed32', rules: { in: [2, 3] } },
  { message: 'conformance.extended.Fixed32NotIn', type: 'fixed32', rules: { not_in: [0] } },
  { message: 'conformance.extended.Fixed32Lt', type: 'fixed32', rules: { lt: 5 } },
  { message: 'conformance.extended.Fixed32Lte', type: 'fixed32', rules: { lte: 64 } },
  { message: 'conformance.extended.Fixed32Gt', type: 'fixed32', rules: { gt: 16 } },
  { message: 'conformance.extended.Fixed32Gte', type: 'fixed32', rules: { gte: 8 } },
  { message: 'conformance.extended.Fixed32GtLt', type: 'fixed32', rules: { gt: 5, lt: 10 } },
  {
    message: 'conformance.extended.Fixed32ExclusiveGtLt',
    type: 'fixed32',
    rules: { lt: 5, gt: 10 },
  },
  { message: 'conformance.extended.Fixed32GteLte', type: 'fixed32', rules: { gte: 128, lte: 256 } },
  {
    message: 'conformance.extended.Fixed32ExclusiveGteLte',
    type: 'fixed32',
    rules: { lte: 128, gte: 256 },
  },
  {
    message: 'conformance.extended.Fixed32IgnoreEmptyGteLte',
    type: 'fixed32',
    rules: { lte: 128, gte: 256, ignore_empty: true },
  },
  { message: 'conformance.extended.Fixed64Const', type: 'fixed64', rules: { const: 1 } },
  { message: 'conformance.extended.Fixed64In', type: 'fixed64', rules: { in: [2, 3] } },
  { message: 'conformance.extended.Fixed64NotIn', type: 'fixed64', rules: { not_in: [0] } },
  { message: 'conformance.extended.Fixed64Lt', type: 'fixed64', rules: { lt: 5 } },
  { message: 'conformance.extended.Fixed64Lte', type: 'fixed64', rules: { lte: 64 } },
  { message: 'conformance.extended.Fixed64Gt', type: 'fixed64', rules: { gt: 16 } },
  { message: 'conformance.extended.Fixed64Gte', type: 'fixed64', rules: { gte: 8 } },
  { message: 'conformance.extended.Fixed64GtLt', type: 'fixed64', rules: { gt: 5, lt: 10 } },
  {
    message: 'conformance.extended.Fixed64ExclusiveGtLt',
    type: 'fixed64',
    rules: { lt: 5, gt: 10 },
  },
  { message: 'conformance.extended.Fixed64GteLte', type: 'fixed64', rules: { gte: 128, lte: 256 } },
  {
    message: 'conformance.extended.Fixed64ExclusiveGteLte',
    type: 'fixed64',
    rules: { lte: 128, gte: 256 },
  },
  {
    message: 'conformance.extended.Fixed64IgnoreEmptyGteLte',
    type: 'fixed64',
    rules: { lte: 128, gte: 256, ignore_empty: true },
  },
  { message: 'conformance.extended.Sfixed32Const', type: 'sfixed32', rules: { const: 1 } },
  { message: 'conformance.extended.Sfixed32In', type: 'sfixed32', rules: { in: [2, 3] } },
  { message: 'conformance.extended.Sfixed32NotIn', type: 'sfixed32', rules: { not_in: [0] } },
  { message: 'conformance.extended.Sfixed32Lt', type: 'sfixed32', rules: { lt: 0 } },
  { message: 'conformance.extended.Sfixed32Lte', type: 'sfixed32', rules: { lte: 64 } },
  { message: 'conformance.extended.Sfixed32Gt', type: 'sfixed32', rules: { gt: 16 } },
  { message: 'conformance.extended.Sfixed32Gte', type: 'sfixed32', rules: { gte: 8 } },
  { message: 'conformance.extended.Sfixed32GtLt', type: 'sfixed32', rules: { gt: 0, lt: 10 } },
  {
    message: 'conformance.extended.Sfixed32ExclusiveGtLt',
    type: 'sfixed32',
    rules: { lt: 0, gt: 10 },
  },
  {
    message: 'conformance.extended.Sfixed32GteLte',
    type: 'sfixed32',
    rules: { gte: 128, lte: 256 },
  },
  {
    message: 'conformance.extended.Sfixed32ExclusiveGteLte',
    type: 'sfixed32',
    rules: { lte: 128, gte: 256 },
  },
  {
    message: 'conformance.extended.Sfixed32IgnoreEmptyGteLte',
    type: 'sfixed32',
    rules: { lte: 128, gte: 256, ignore_empty: true },
  },
  { message: 'conformance.extended.Sfixed64Const', type: 'sfixed64', rules: { const: 1 } },
  { message: 'conformance.extended.Sfixed64In', type: 'sfixed64', rules: { in: [2, 3] } },
  { message: 'conformance.extended.Sfixed64NotIn', type: 'sfixed64', rules: { not_in: [0] } },
  { message: 'conformance.extended.Sfixed64Lt', type: 'sfixed64', rules: { lt: 0 } },
  { message: 'conformance.extended.Sfixed64Lte', type: 'sfixed64', rules: { lte: 64 } },
  { message: 'conformance.extended.Sfixed64Gt', type: 'sfixed64', rules: { gt: 16 } },
  { message: 'conformance.extended.Sfixed64Gte', type: 'sfixed64', rules: { gte: 8 } },
  { message: 'conformance.extended.Sfixed64GtLt', type: 'sfixed64', rules: { gt: 0, lt: 10 } },
  {
    message: 'conformance.extended.Sfixed64ExclusiveGtLt',
    type: 'sfixed64',
    rules: { lt: 0, gt: 10 },
  },
  {
    message: 'conformance.extended.Sfixed64GteLte',
    type: 'sfixed64',
    rules: { gte: 128, lte: 256 },
  },
  {
    message: 'conformance.extended.Sfixed64ExclusiveGteLte',
    type: 'sfixed64',
    rules: { lte: 128, gte: 256 },
  },
  {
    message: 'conformance.extended.Sfixed64IgnoreEmptyGteLte',
    type: 'sfixed64',
    rules: { lte: 128, gte: 256, ignore_empty: true },
  },
  { message: 'conformance.extended.BoolConstTrue', type: 'bool', rules: { const: true } },
  { message: 'conformance.extended.BoolConstFalse', type: 'bool', rules: { const: false } },
  { message: 'conformance.extended.StringConst', type: 'string', rules: { const: 'foo' } },
  {
    message: 'conformance.extended.StringNotIn',
    type: 'string',
    rules: { not_in: ['fizz', 'buzz'] },
  },
  { message: 'conformance.extended.StringLenBytes', type: 'string', rules: { len_bytes: 4 } },
  { message: 'conformance.extended.StringMinBytes', type: 'string', rules: { min_bytes: 4 } },
  { message: 'conformance.extended.StringMaxBytes', type: 'string', rules: { max_bytes: 8 } },
  {
    message: 'conformance.extended.StringMinMaxBytes',
    type: 'string',
    rules: { min_bytes: 4, max_bytes: 8 },
  },
  { message: 'conformance.extended.StringPrefix', type: 'string', rules: { prefix: 'foo' } },
  { message: 'conformance.extended.StringContains', type: 'string', rules: { contains: 'bar' } },
  {
    message: 'conformance.extended.StringNotContains',
    type: 'string',
    rules: { not_contains: 'bar' },
  },
  { message: 'conformance.extended.StringSuffix', type: 'string', rules: { suffix: 'baz' } },
  { message: 'conformance.extended.StringEmail', type: 'string', rules: { email: true } },
  { message: 'conformance.extended.StringAddress', type: 'string', rules: { address: true } },
  { message: 'conformance.extended.StringHostname', type: 'string', rules: { hostname: true } },
  { message: 'conformance.extended.StringIP', type: 'string', rules: { ip: true } },
  { message: 'conformance.extended.StringIPv4', type: 'string', rules: { ipv4: true } },
  { message: 'conformance.extended.StringIPv6', type: 'string', rules: { ipv6: true } },
  { message: 'conformance.extended.StringURI', type: 'string', rules: { uri: true } },
  { message: 'conformance.extended.StringURI2', type: 'string', rules: { uri_ref: true } },
  {
    message: 'conformance.extended.StringUUID',
    type: 'string',
    rules: { uuid: true, ignore_empty: true },
  },
  {
    message: 'conformance.extended.BytesConst',
    type: 'bytes',
    rules: { const: { base64: 'Zm9v' } },
  },
  {
    message: 'conformance.extended.BytesIn',
    type: 'bytes',
    rules: { in: [{ base64: 'YmFy' }, { base64: 'YmF6' }] },
  },
  {
    message: 'conformance.extended.BytesNotIn',
    type: 'bytes',
    rules: { not_in: [{ base64: 'Zml6eg==' }, { base64: 'YnV6eg==' }] },
  },
  { message: 'conformance.extended.BytesLen', type: 'bytes', rules: { len: 3 } },
  { message: 'conformance.extended.BytesMinLen', type: 'bytes', rules: { min_len: 3 } },
  { message: 'conformance.extended.BytesMaxLen', type: 'bytes', rules: { max_len: 5 } },
  {
    message: 'conformance.extended.BytesMinMaxLen',
    type: 'bytes',
    rules: { min_len: 3, max_len: 5 },
  },
  {
    message: 'conformance.extended.BytesEqualMinMaxLen',
    type: 'bytes',
    rules: { min_len: 5, max_len: 5 },
  },
  {
    message: 'conformance.extended.BytesPattern',
    type: 'bytes',
    rules: { pattern: '^[\u0000-]+$' },
  },
  {
    message: 'conformance.extended.BytesPrefix',
    type: 'bytes',
    rules: { prefix: { base64: 'mQ==' } },
  },
  {
    message: 'conformance.extended.BytesContains',
    type: 'bytes',
    rules: { contains: { base64: 'YmFy' } },
  },
  {
    message: 'conformance.extended.BytesSuffix',
    type: 'bytes',
    rules: { suffix: { base64: 'YnV6eg==' } },
  },
  { message: 'conformance.extended.BytesIP', type: 'bytes', rules: { ip: true } },
  { message: 'conformance.extended.BytesIPv4', type: 'bytes', rules: { ipv4: true } },
  { message: 'conformance.extended.BytesIPv6', type: 'bytes', rules: { ipv6: true } },
  {
    message: 'conformance.extended.BytesIPv62',
    type: 'bytes',
    rules: { ipv6: true, ignore_empty: true },
  },
  {
    message: 'conformance.extended.EnumConst',
    type: 'enum',
    enum: 'tests.harness.cases.TestEnum',
    rules: { const: 2 },
  },
  {
    message: 'conformance.extended.EnumAliasConst',
    type: 'enum',
    enum: 'tests.harness.cases.TestEnumAlias',
    rules: { const: 2 },
  },
  {
    message: 'conformance.extended.EnumDefinedOnly',
    type: 'enum',
    enum: 'tests.harness.cases.TestEnum',
    rules: { defined_only: true },
  },
  {
    message: 'conformance.extended.EnumAliasDefinedOnly',
    type: 'enum',
    enum: 'tests.harness.cases.TestEnumAlias',
    rules: { defined_only: true },
  },
  {
    message: 'conformance.extended.EnumIn',
    type: 'enum',
    enum: 'tests.harness.cases.TestEnum',
    rules: { in: [0, 2] },
  },
  {
    message: 'conformance.extended.EnumAliasIn',
    type: 'enum',
    enum: 'tests.harness.cases.TestEnumAlias',
    rules: { in: [0, 2] },
  },
  {
    message: 'conformance.extended.EnumNotIn',
    type: 'enum',
    enum: 'tests.harness.cases.TestEnum',
    rules: { not_in: [1] },
  },
  {
    message: 'conformance.extended.EnumAliasNotIn',
    type: 'enum',
    enum: 'tests.harness.cases.TestEnumAlias',
    rules: { not_in: [1] },
  },
  {
    message: 'conformance.extended.EnumExternalDefinedOnly',
    type: 'enum',
    enum: 'tests.harness.cases.other_package.Embed.Enumerated',
    rules: { defined_only: true },
  },
  {
    message: 'conformance.extended.EnumExternalConst',
    type: 'enum',
    enum: 'tests.harness.cases.sort.Direction',
    rules: { const: 1 },
  },
  {
    message: 'conformance.extended.EnumRepeatedDefinedOnly',
    type: 'repeated<enum>',
    enum: 'tests.harness.cases.TestEnum',
    rules: { items: { enum: { defined_only: true } } },
  },
  {
    message: 'conformance.extended.EnumRepeatedExternalDefinedOnly',
    type: 'repeated<enum>',
    enum: 'tests.harness.cases.other_package.Embed.Enumerated',
    rules: { items: { enum: { defined_only: true } } },
  },
  {
    message: 'conformance.extended.EnumRepeatedAnotherExternalDefinedOnly',
    type: 'repeated<enum>',
    enum: 'tests.harness.cases.yet_another_package.Embed.Enumerated',
    rules: { items: { enum: { defined_only: true } } },
  },
  {
    message: 'conformance.extended.EnumMapDefinedOnly',
    type: 'map<string,enum>',
    enum: 'tests.harness.cases.TestEnum',
    rules: { values: { enum: { defined_only: true } } },
  },
  {
    message: 'conformance.extended.EnumMapExternalDefinedOnly',
    type: 'map<string,enum>',
    enum: 'tests.harness.cases.other_package.Embed.Enumerated',
    rules: { values: { enum: { defined_only: true } } },
  },
  {
    message: 'conformance.extended.RepeatedMax',
    type: 'repeated<double>',
    rules: { max_items: 3 },
  },
  {
    message: 'conformance.extended.RepeatedMinMax',
    type: 'repeated<sfixed32>',
    rules: { min_items: 2, max_items: 4 },
  },
  {
    message: 'conformance.extended.RepeatedExact',
    type: 'repeated<uint32>',
    rules: { min_items: 3, max_items: 3 },
  },
  {
    message: 'conformance.extended.RepeatedUnique',
    type: 'repeated<string>',
    rules: { unique: true },
  },
  {
    message: 'conformance.extended.RepeatedItems',
    type: 'repeated<float>',
    rules: { items: { float: { gt: 0 } } },
  },
  {
    message: 'conformance.extended.RepeatedItems2',
    type: 'repeated<string>',
    rules: { items: { string: { pattern: '(?i)^[a-z0-9]+$' } } },
  },
  {
    message: 'conformance.extended.RepeatedItems3',
    type: 'repeated<string>',
    rules: { items: { string: { in: ['foo', 'bar'] } } },
  },
  {
    message: 'conformance.extended.RepeatedItems4',
    type: 'repeated<string>',
    rules: { items: { string: { not_in: ['foo', 'bar'] } } },
  },
  {
    message: 'conformance.extended.RepeatedItems5',
    type: 'repeated<int64>',
    rules: { items: { int64: { in: [1, 2] } } },
  },
  {
    message: 'conformance.extended.RepeatedItems6',
    type: 'repeated<int64>',
    rules: { items: { int64: { not_in: [1, 2] } } },
  },
  {
    message: 'conformance.extended.RepeatedItems7',
    type: 'repeated<int32>',
    rules: { items: { int32: { in: [1, 2] } } },
  },
  {
    message: 'conformance.extended.RepeatedItems8',
    type: 'repeated<int32>',
    rules: { items: { int32: { not_in: [1, 2] } } },
  },
  {
    message: 'conformance.extended.RepeatedItems9',
    type: 'repeated<enum>',
    enum: 'tests.harness.cases.AnEnum',
    rules: { items: { enum: { in: [0] } } },
  },
  {
    message: 'conformance.extended.RepeatedItems10',
    type: 'repeated<enum>',
    enum: 'tests.harness.cases.AnEnum',
    rules: { items: { enum: { not_in: [0] } } },
  },
  {
    message: 'conformance.extended.RepeatedItems11',
    type: 'repeated<enum>',
    enum: 'tests.harness.cases.RepeatedEmbeddedEnumIn.AnotherInEnum',
    rules: { items: { enum: { in: [0] } } },
  },
  {
    message: 'conformance.extended.RepeatedItems12',
    type: 'repeated<enum>',
    enum: 'tests.harness.cases.RepeatedEmbeddedEnumNotIn.AnotherNotInEnum',
    rules: { items: { enum: { not_in: [0] } } },
  },
  {
    message: 'conformance.extended.RepeatedMinAndItemsLen',
    type: 'repeated<string>',
    rules: { items: { string: { len: 3 } }, min_items: 1 },
  },
  {
    message: 'conformance.extended.RepeatedMinAndMaxItemsLen',
    type: 'repeated<string>',
    rules: { min_items: 1, max_items: 3 },
  },
  {
    message: 'conformance.extended.RepeatedExact2',
    type: 'repeated<uint32>',
    rules: { min_items: 3, max_items: 3, ignore_empty: true },
  },
  {
    message: 'conformance.extended.MapMinPairs',
    type: 'map<int32,float>',
    rules: { min_pairs: 2 },
  },
  {
    message: 'conformance.extended.MapMaxPairs',
    type: 'map<int64,double>',
    rules: { max_pairs: 3 },
  },
  {
    message: 'conformance.extended.MapMinMax',
    type: 'map<string,bool>',
    rules: { min_pairs: 2, max_pairs: 4 },
  },
  {
    message: 'conformance.extended.MapExact',
    type: 'map<uint64,string>',
    rules: { min_pairs: 3, max_pairs: 3 },
  },
  {
    message: 'conformance.extended.MapKeys',
    type: 'map<sint64,string>',
    rules: { keys: { sint64: { lt: 0 } } },
  },
  {
    message: 'conformance.extended.MapKeys2',
    type: 'map<string,string>',
    rules: { keys: { string: { pattern: '(?i)^[a-z0-9]+$' } } },
  },
  {
    message: 'conformance.extended.MapKeys3',
    type: 'map<string,string>',
    rules: { keys: { string: { in: ['foo', 'bar'] } } },
  },
  {
    message: 'conformance.extended.MapKeys4',
    type: 'map<string,string>',
    rules: { keys: { string: { not_in: ['foo', 'bar'] } } },
  },
  {
    message: 'conformance.extended.MapValues',
    type: 'map<string,string>',
    rules: { values: { string: { min_len: 3 } } },
  },
  {
    message: 'conformance.extended.MapValues2',
    type: 'map<string,string>',
    rules: { values: { string: { pattern: '(?i)^[a-z0-9]+$' } } },
  },
  {
    message: 'conformance.extended.MapExact2',
    type: 'map<uint64,string>',
    rules: { min_pairs: 3, max_pairs: 3, ignore_empty: true },
  },
];

/** A case's field type and JSON value (pgv-cases*.json), with its enum when the type has one. */
export interface HarnessCaseValue {
  type: string;
  value: unknown;
  enum?: { name: string; values: Readonly<Record<string, number>> };
}

/**
 * The in-memory (loader-shaped) value a generated validator receives for a case's JSON value:
 * bytes `{ base64 }` as a Buffer, 64-bit integers kept as decimal strings, "NaN"/"Infinity" as
 * numbers, a declared enum number as its first declared name (an undeclared one stays a number,
 * as the loader leaves it), repeated values element by element, map values by value type (keys
 * stay strings, as on the wire to JSON and in the loader).
 */
export function toHarnessValue(testCase: HarnessCaseValue): unknown {
  const { type, value } = testCase;
  const repeated = /^repeated<(.+)>$/.exec(type);
  if (repeated)
    return (value as unknown[]).map((element) =>
      toHarnessValue({ ...testCase, type: repeated[1], value: element }),
    );
  const map = /^map<([^,]+),(.+)>$/.exec(type);
  if (map)
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([key, element]) => [
        key,
        toHarnessValue({ ...testCase, type: map[2], value: element }),
      ]),
    );
  if (type === 'bytes') return Buffer.from((value as { base64: string }).base64, 'base64');
  if ((type === 'float' || type === 'double') && typeof value === 'string') return Number(value);
  if (type === 'enum' && typeof value === 'number' && testCase.enum) {
    const name = Object.entries(testCase.enum.values).find(([, number]) => number === value)?.[0];
    return name ?? value;
  }
  return value;
}
