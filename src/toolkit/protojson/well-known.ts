import { ScalarType } from '../descriptor/types';
import { ProtoJsonError } from './protojson-error';

/** google.protobuf wrapper messages: JSON is the bare wrapped value, the message is `{ value }`. */
export const WRAPPER_SCALARS: ReadonlyMap<string, ScalarType> = new Map<string, ScalarType>([
  ['google.protobuf.DoubleValue', 'double'],
  ['google.protobuf.FloatValue', 'float'],
  ['google.protobuf.Int64Value', 'int64'],
  ['google.protobuf.UInt64Value', 'uint64'],
  ['google.protobuf.Int32Value', 'int32'],
  ['google.protobuf.UInt32Value', 'uint32'],
  ['google.protobuf.BoolValue', 'bool'],
  ['google.protobuf.StringValue', 'string'],
  ['google.protobuf.BytesValue', 'bytes'],
]);

export const TIMESTAMP = 'google.protobuf.Timestamp';
export const DURATION = 'google.protobuf.Duration';
export const EMPTY = 'google.protobuf.Empty';
export const ANY = 'google.protobuf.Any';

/**
 * Types whose protojson form is not a JSON object of their fields; inside an Any they go under
 * `"value"` (`{"@type": ".../google.protobuf.Duration", "value": "1.5s"}`). @internal
 */
export const CUSTOM_JSON_TYPES: ReadonlySet<string> = new Set([
  ...WRAPPER_SCALARS.keys(),
  'google.protobuf.Timestamp',
  'google.protobuf.Duration',
  'google.protobuf.Empty',
  'google.protobuf.Any',
  'google.protobuf.FieldMask',
  'google.protobuf.Struct',
  'google.protobuf.Value',
  'google.protobuf.ListValue',
]);

/** The message name an Any's type URL points at (the part after the last `/`). @internal */
export function anyTypeName(typeUrl: string): string {
  return typeUrl.slice(typeUrl.lastIndexOf('/') + 1);
}

/** Timestamp/Duration in the loader shape. */
export interface SecondsNanos {
  seconds: string;
  nanos: number;
}

/** 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z, the protobuf Timestamp range. */
const MIN_TIMESTAMP_SECONDS = -62135596800;
const MAX_TIMESTAMP_SECONDS = 253402300799;
/** ±10,000 years, the protobuf Duration range. */
const MAX_DURATION_SECONDS = 315576000000n;

const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:Z|([+-])(\d{2}):(\d{2}))$/;
const DURATION_TEXT = /^(-)?(\d+)(?:\.(\d{1,9}))?s$/;

/** Reads an RFC 3339 timestamp (`Z` or an offset, up to 9 fractional digits). @internal */
export function parseTimestamp(text: string, path: string): SecondsNanos {
  const match = RFC3339.exec(text);
  const invalid = () =>
    new ProtoJsonError(path, `expected an RFC 3339 timestamp, got ${JSON.stringify(text)}`);
  if (!match) throw invalid();
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number);
  const [fraction = '', offsetSign, offsetHours = '0', offsetMinutes = '0'] = match.slice(7);
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, 0);
  const calendarOk =
    date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
  const clockOk = hour < 24 && minute < 60 && second < 60;
  const offsetOk = Number(offsetHours) < 24 && Number(offsetMinutes) < 60;
  if (!calendarOk || !clockOk || !offsetOk) throw invalid();
  const offset =
    (Number(offsetHours) * 3600 + Number(offsetMinutes) * 60) * (offsetSign === '-' ? -1 : 1);
  const seconds = date.getTime() / 1000 - offset;
  if (seconds < MIN_TIMESTAMP_SECONDS || seconds > MAX_TIMESTAMP_SECONDS)
    throw new ProtoJsonError(path, `timestamp ${text} is outside 0001-01-01 .. 9999-12-31`);
  return { seconds: String(seconds), nanos: Number(fraction.padEnd(9, '0')) };
}

/** RFC 3339 in UTC with `Z` and 0, 3, 6 or 9 fractional digits, as Go's protojson writes it. @internal */
export function formatTimestamp(value: unknown, path: string): string {
  const { seconds, nanos } = readSecondsNanos(value, path);
  if (
    seconds < MIN_TIMESTAMP_SECONDS ||
    seconds > MAX_TIMESTAMP_SECONDS ||
    nanos < 0 ||
    nanos > 999999999
  )
    throw new Error(`cannot encode ${path}: timestamp ${seconds}s ${nanos}ns is out of range`);
  return `${utcDateTime(seconds)}${fractionDigits(nanos)}Z`;
}

const SECONDS_PER_DAY = 86400;

/**
 * `YYYY-MM-DDTHH:MM:SS` of epoch seconds in the Timestamp range, as `toISOString` writes it, by
 * arithmetic: `toISOString` is a slow builtin, and every Timestamp of every response goes through
 * here. The date is counted in 400-year Gregorian eras from a year that starts on March 1, so
 * that the leap day is the last day of its year (the usual days-to-civil-date algorithm).
 */
function utcDateTime(epochSeconds: number): string {
  const days = Math.floor(epochSeconds / SECONDS_PER_DAY);
  const secondOfDay = epochSeconds - days * SECONDS_PER_DAY;
  const shifted = days + 719468; // days since 0000-03-01
  const era = Math.floor(shifted / 146097);
  const dayOfEra = shifted - era * 146097;
  const yearOfEra = Math.floor(
    (dayOfEra -
      Math.floor(dayOfEra / 1460) +
      Math.floor(dayOfEra / 36524) -
      Math.floor(dayOfEra / 146096)) /
      365,
  );
  const dayOfYear =
    dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthFromMarch = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * monthFromMarch + 2) / 5) + 1;
  const month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  const hour = Math.floor(secondOfDay / 3600);
  const minute = Math.floor((secondOfDay - hour * 3600) / 60);
  const second = secondOfDay - hour * 3600 - minute * 60;
  return `${String(year).padStart(4, '0')}-${twoDigits(month)}-${twoDigits(day)}T${twoDigits(hour)}:${twoDigits(minute)}:${twoDigits(second)}`;
}

function twoDigits(value: number): string {
  return value < 10 ? `0${value}` : String(value);
}

/** Reads a protojson Duration such as `1.5s` or `-0.000000001s`. @internal */
export function parseDuration(text: string, path: string): SecondsNanos {
  const match = DURATION_TEXT.exec(text);
  if (!match)
    throw new ProtoJsonError(path, `expected a duration like "1.5s", got ${JSON.stringify(text)}`);
  const [, negative, whole, fraction = ''] = match;
  const seconds = BigInt(whole);
  if (seconds > MAX_DURATION_SECONDS)
    throw new ProtoJsonError(path, `duration ${text} is outside ±${MAX_DURATION_SECONDS}s`);
  const nanos = Number(fraction.padEnd(9, '0'));
  const sign = negative ? -1 : 1;
  return {
    seconds: (negative ? -seconds : seconds).toString(),
    nanos: nanos === 0 ? 0 : sign * nanos,
  };
}

/** Duration as `<seconds>[.fraction]s`, fraction with 0, 3, 6 or 9 digits. @internal */
export function formatDuration(value: unknown, path: string): string {
  const { seconds, nanos } = readSecondsNanos(value, path);
  const negative = seconds < 0 || nanos < 0;
  if (Math.abs(seconds) > Number(MAX_DURATION_SECONDS))
    throw new Error(
      `cannot encode ${path}: duration ${seconds}s is outside ±${MAX_DURATION_SECONDS}s`,
    );
  if (Math.abs(nanos) > 999999999 || (seconds > 0 && nanos < 0) || (seconds < 0 && nanos > 0))
    throw new Error(`cannot encode ${path}: duration ${seconds}s ${nanos}ns is not normalised`);
  return `${negative ? '-' : ''}${Math.abs(seconds)}${fractionDigits(Math.abs(nanos))}s`;
}

function fractionDigits(nanos: number): string {
  if (nanos === 0) return '';
  if (nanos % 1000000 === 0) return `.${String(nanos / 1000000).padStart(3, '0')}`;
  if (nanos % 1000 === 0) return `.${String(nanos / 1000).padStart(6, '0')}`;
  return `.${String(nanos).padStart(9, '0')}`;
}

function readSecondsNanos(value: unknown, path: string): { seconds: number; nanos: number } {
  if (typeof value === 'object' && value !== null) {
    // nanos may be left out (it defaults to 0); seconds may not, so a Date is refused, not epoch.
    const { seconds, nanos = 0 } = value as { seconds?: unknown; nanos?: unknown };
    const secondsNumber =
      typeof seconds === 'string' && /^-?\d+$/.test(seconds) ? Number(seconds) : seconds;
    if (Number.isInteger(secondsNumber) && Number.isInteger(nanos))
      return { seconds: secondsNumber as number, nanos: nanos as number };
  }
  throw new Error(`cannot encode ${path}: expected { seconds, nanos }`);
}
