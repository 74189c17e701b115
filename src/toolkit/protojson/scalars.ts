import { ScalarType } from '../descriptor/types';
import { integerRange, LONG_SCALARS, parseIntegerText } from './integers';
import { describeJsonType, ProtoJsonError } from './protojson-error';

const FLOAT32_MAX = 3.4028234663852886e38;
const JSON_NUMBER_TEXT = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
/** The spellings Go's strconv.ParseBool (and so grpc-gateway) accepts in paths and queries. */
const TRUE_TEXT: ReadonlySet<string> = new Set(['true', 'True', 'TRUE', 't', 'T', '1']);
const FALSE_TEXT: ReadonlySet<string> = new Set(['false', 'False', 'FALSE', 'f', 'F', '0']);
/** A UTF-16 surrogate without its pair: JSON can spell it (`"\ud800"`), UTF-8 cannot hold it. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const BASE64_STD = /^[A-Za-z0-9+/]*={0,2}$/;
const BASE64_URL = /^[A-Za-z0-9\-_]*={0,2}$/;

/** Default of a scalar in the loader shape (`defaults: true`, `longs: String`). @internal */
export function scalarDefault(scalar: ScalarType): unknown {
  if (scalar === 'string') return '';
  if (scalar === 'bool') return false;
  if (scalar === 'bytes') return Buffer.alloc(0);
  return LONG_SCALARS.has(scalar) ? '0' : 0;
}

/**
 * Reads a protojson value of a scalar type strictly: integers from integral JSON numbers or
 * numeric strings (64-bit kept as decimal strings), floats also from "NaN"/"Infinity", bools and
 * strings only from their own JSON types, bytes from standard or URL-safe base64.
 * @internal
 */
export function decodeScalarJson(scalar: ScalarType, value: unknown, path: string): unknown {
  switch (scalar) {
    case 'string':
      if (typeof value !== 'string') throw expected(path, 'a string', value);
      // A proto string is UTF-8; a lone surrogate would silently become U+FFFD on the wire.
      if (LONE_SURROGATE.test(value))
        throw new ProtoJsonError(path, 'string holds an unpaired UTF-16 surrogate');
      return value;
    case 'bool':
      if (typeof value !== 'boolean') throw expected(path, 'true or false', value);
      return value;
    case 'bytes':
      if (typeof value !== 'string') throw expected(path, 'a base64 string', value);
      return decodeBase64(value, path);
    case 'double':
    case 'float':
      return decodeFloat(scalar, value, path);
    default:
      return decodeInteger(scalar, value, path);
  }
}

/**
 * Reads a scalar from URL text (path segment or query value), as grpc-gateway does: the text is
 * the value itself, not JSON (`name=ann`, `limit=10`, `active=true`).
 * @internal
 */
export function parseScalarText(scalar: ScalarType, text: string, path: string): unknown {
  switch (scalar) {
    case 'string':
      return text;
    case 'bool':
      if (TRUE_TEXT.has(text)) return true;
      if (FALSE_TEXT.has(text)) return false;
      throw new ProtoJsonError(path, `expected true or false, got ${JSON.stringify(text)}`);
    case 'bytes':
      return decodeBase64(text, path);
    case 'double':
    case 'float':
      return decodeFloat(scalar, text, path);
    default:
      return decodeInteger(scalar, text, path);
  }
}

function decodeInteger(scalar: ScalarType, value: unknown, path: string): string | number {
  let parsed: bigint | undefined;
  if (typeof value === 'number') {
    parsed = Number.isInteger(value) ? BigInt(value) : undefined;
  } else if (typeof value === 'string') {
    parsed = parseIntegerText(value);
  } else {
    throw expected(path, `an integer (${scalar})`, value);
  }
  if (parsed === undefined)
    throw new ProtoJsonError(path, `expected an integer (${scalar}), got ${JSON.stringify(value)}`);
  const [min, max] = integerRange(scalar) ?? [0n, 0n];
  if (parsed < min || parsed > max)
    throw new ProtoJsonError(path, `${String(value)} is out of range for ${scalar}`);
  return LONG_SCALARS.has(scalar) ? parsed.toString() : Number(parsed);
}

function decodeFloat(scalar: 'double' | 'float', value: unknown, path: string): number {
  let parsed: number;
  if (typeof value === 'number') {
    parsed = value;
  } else if (typeof value === 'string') {
    if (value === 'NaN') return NaN;
    if (value === 'Infinity') return Infinity;
    if (value === '-Infinity') return -Infinity;
    if (!JSON_NUMBER_TEXT.test(value))
      throw new ProtoJsonError(path, `expected a number (${scalar}), got ${JSON.stringify(value)}`);
    parsed = Number(value);
  } else {
    throw expected(path, `a number (${scalar})`, value);
  }
  const limit = scalar === 'float' ? FLOAT32_MAX : Number.MAX_VALUE;
  if (!Number.isFinite(parsed) || Math.abs(parsed) > limit)
    throw new ProtoJsonError(path, `${String(value)} is out of range for ${scalar}`);
  return parsed;
}

function decodeBase64(text: string, path: string): Buffer {
  const unpadded = text.replace(/=+$/, '');
  const wellFormed =
    (BASE64_STD.test(text) || BASE64_URL.test(text)) &&
    unpadded.length % 4 !== 1 &&
    (unpadded.length === text.length || text.length % 4 === 0);
  if (!wellFormed) throw new ProtoJsonError(path, 'expected base64 (standard or URL-safe)');
  return Buffer.from(text, 'base64');
}

function expected(path: string, what: string, value: unknown): ProtoJsonError {
  return new ProtoJsonError(path, `expected ${what}, got ${describeJsonType(value)}`);
}
