import { ScalarType } from '../descriptor/types';

/** Inclusive range of each integer scalar, as bigint. */
const RANGES: Partial<Record<ScalarType, readonly [bigint, bigint]>> = {
  int32: [-(2n ** 31n), 2n ** 31n - 1n],
  sint32: [-(2n ** 31n), 2n ** 31n - 1n],
  sfixed32: [-(2n ** 31n), 2n ** 31n - 1n],
  uint32: [0n, 2n ** 32n - 1n],
  fixed32: [0n, 2n ** 32n - 1n],
  int64: [-(2n ** 63n), 2n ** 63n - 1n],
  sint64: [-(2n ** 63n), 2n ** 63n - 1n],
  sfixed64: [-(2n ** 63n), 2n ** 63n - 1n],
  uint64: [0n, 2n ** 64n - 1n],
  fixed64: [0n, 2n ** 64n - 1n],
};

/** Scalars whose values are carried as decimal strings (loader `longs: String`). @internal */
export const LONG_SCALARS: ReadonlySet<ScalarType> = new Set([
  'int64',
  'sint64',
  'sfixed64',
  'uint64',
  'fixed64',
]);

/** @internal */
export function integerRange(scalar: ScalarType): readonly [bigint, bigint] | undefined {
  return RANGES[scalar];
}

const JSON_NUMBER = /^(-?)(0|[1-9]\d*)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;
/** Beyond this many decimal digits no 64-bit value fits; stops `1e999999999` from costing time. */
const MAX_DIGITS = 40;

/**
 * The exact integer written in JSON number syntax (`12`, `-3`, `1e2`, `100.0`), or undefined when
 * the text is not a number or not integral. protojson accepts integers in this form inside strings.
 * @internal
 */
export function parseIntegerText(text: string): bigint | undefined {
  const match = JSON_NUMBER.exec(text);
  if (!match) return undefined;
  const [, sign, whole, fraction = '', exponentText = '0'] = match;
  const digits = (whole + fraction).replace(/^0+/, '');
  if (digits === '') return 0n;
  const exponent = Number(exponentText) - fraction.length;
  if (exponent >= 0) {
    if (digits.length + exponent > MAX_DIGITS)
      return sign ? -(10n ** BigInt(MAX_DIGITS)) : 10n ** BigInt(MAX_DIGITS);
    const magnitude = BigInt(digits) * 10n ** BigInt(exponent);
    return sign ? -magnitude : magnitude;
  }
  const dropped = -exponent;
  if (dropped >= digits.length) return undefined;
  if (!/^0*$/.test(digits.slice(digits.length - dropped))) return undefined;
  const magnitude = BigInt(digits.slice(0, digits.length - dropped));
  return sign ? -magnitude : magnitude;
}
