/**
 * The messages of test/proto/conformance/pgv_harness.proto and the rules each one carries, in the
 * shape of shared/conformance/pgv-cases.json (`type` + `rules`), so a conformance test can pick
 * the message for a case by comparing rules.
 */
export interface PgvHarnessMessage {
  /** Full proto name; its validator is `getMessageDescriptor(message).validate`. */
  message: string;
  type: 'string' | 'int32';
  rules: Readonly<Record<string, number | string | boolean | readonly string[]>>;
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
