import { FieldDescriptor, ScalarType, ValueType } from '../descriptor/types';
import { fieldPath, indexPath, keyPath } from '../validation/field-path';
import type { DescriptorRegistry } from '../descriptor/registry';
import { describeJsonType, ProtoJsonError } from './protojson-error';
import {
  FIELD_MASK,
  fieldMaskFromJson,
  LIST_VALUE,
  listFromJson,
  NULL_VALUE,
  STRUCT,
  structFromJson,
  VALUE,
  valueFromJson,
} from './json-value';
import { decodeScalarJson, parseScalarText, scalarDefault } from './scalars';
import { encodeBinary } from './binary';
import { isKnownMessage } from './well-known-descriptors';
import {
  ANY,
  anyTypeName,
  CUSTOM_JSON_TYPES,
  DURATION,
  EMPTY,
  parseDuration,
  parseTimestamp,
  TIMESTAMP,
  WRAPPER_SCALARS,
} from './well-known';

/** Deeper JSON than this is refused, so a hostile body cannot exhaust the stack. */
export const MAX_DEPTH = 64;

type JsonObject = Record<string, unknown>;

/** @publicApi */
export interface DecodeJsonOptions {
  /**
   * Skip JSON keys that name no field (the default, as grpc-gateway does, so an older server
   * accepts a newer client's body); `false` refuses them, as protojson does by default.
   */
  ignoreUnknownFields?: boolean;
  /**
   * Treat an enum name this build does not know as absent (a repeated element or map entry is
   * dropped) instead of refusing it, as protojson's DiscardUnknown does. Off by default.
   */
  ignoreUnknownEnumNames?: boolean;
}

/** How strictly one decodeJson call reads. */
interface Mode {
  rejectUnknownFields: boolean;
  skipUnknownEnumNames: boolean;
}

const DEFAULT_MODE: Mode = { rejectUnknownFields: false, skipUnknownEnumNames: false };

/** What an unknown enum name decodes to when it is to be skipped. */
const SKIPPED = Symbol('skipped unknown enum name');

/**
 * Reads a protojson value (the parsed JSON body) as a message of `messageType`, in the loader
 * shape handlers use: proto (snake_case) keys, 64-bit integers as decimal strings, enums as names,
 * Timestamp/Duration as `{ seconds, nanos }`, bytes as Buffer, every missing field set to its
 * default (proto3 `optional`, oneof members and message fields stay undefined).
 *
 * Both proto names and jsonNames are accepted, unknown fields are ignored unless
 * `ignoreUnknownFields` is false, `null` means default.
 *
 * @throws ProtoJsonError with the field path for every value of the wrong type or range.
 * @publicApi
 */
export function decodeJson(
  types: DescriptorRegistry,
  messageType: string,
  json: unknown,
  options: DecodeJsonOptions = {},
): Record<string, unknown> {
  return decodeMessage(types, messageType, json, '', 0, {
    rejectUnknownFields: options.ignoreUnknownFields === false,
    skipUnknownEnumNames: options.ignoreUnknownEnumNames === true,
  });
}

/** A message of `messageType` with every field at its default (an empty JSON object). @internal */
export function defaultMessage(
  types: DescriptorRegistry,
  messageType: string,
): Record<string, unknown> {
  return decodeMessage(types, messageType, {}, '', 0);
}

/** @internal */
export function decodeMessage(
  types: DescriptorRegistry,
  messageType: string,
  json: unknown,
  path: string,
  depth: number,
  mode: Mode = DEFAULT_MODE,
): JsonObject {
  if (depth > MAX_DEPTH) throw new ProtoJsonError(path, `nesting deeper than ${MAX_DEPTH} levels`);
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw new ProtoJsonError(
      path,
      `expected an object (${messageType}), got ${describeJsonType(json)}`,
    );
  const input = json as JsonObject;
  const plan = types.messagePlan(messageType);
  const message: JsonObject = {};
  if (mode.rejectUnknownFields)
    for (const key of Object.keys(input))
      if (!plan.byKey.has(key))
        throw new ProtoJsonError(fieldPath(path, key), `${messageType} has no field ${key}`);
  for (const field of plan.fields) {
    const byName = Object.hasOwn(input, field.name) ? input[field.name] : undefined;
    const byJsonName =
      field.jsonName !== field.name && Object.hasOwn(input, field.jsonName)
        ? input[field.jsonName]
        : undefined;
    const childPath = fieldPath(path, field.name);
    if (byName !== undefined && byJsonName !== undefined)
      throw new ProtoJsonError(childPath, `set twice, as ${field.name} and ${field.jsonName}`);
    const value = byName !== undefined ? byName : byJsonName;
    if (
      value === undefined ||
      (value === null && !(field.cardinality === 'singular' && nullIsValue(field.type)))
    ) {
      message[field.name] = fieldDefault(types, field);
      continue;
    }
    const decoded = decodeField(types, field, value, childPath, depth, mode);
    if (decoded === SKIPPED) {
      message[field.name] = fieldDefault(types, field);
      continue;
    }
    message[field.name] = decoded;
    if (field.oneof) {
      if (message[field.oneof] !== undefined)
        throw new ProtoJsonError(
          childPath,
          `oneof ${field.oneof} already has ${String(message[field.oneof])} set`,
        );
      message[field.oneof] = field.name;
    }
  }
  return message;
}

/** The loader's `defaults: true` value for an absent field. @internal */
export function fieldDefault(types: DescriptorRegistry, field: FieldDescriptor): unknown {
  if (field.cardinality === 'repeated') return [];
  if (field.cardinality === 'map') return {};
  if (field.optional || field.oneof) return undefined;
  return valueDefault(types, field.type);
}

/** JSON null is a value, not "unset", for google.protobuf.Value and NullValue. */
function nullIsValue(type: ValueType): boolean {
  return (
    (type.kind === 'enum' && type.enumType === NULL_VALUE) ||
    (type.kind === 'message' && type.messageType === VALUE)
  );
}

function valueDefault(types: DescriptorRegistry, type: ValueType): unknown {
  if (type.kind === 'scalar') return scalarDefault(type.scalar);
  if (type.kind === 'enum')
    return type.enumType === NULL_VALUE ? 'NULL_VALUE' : types.enumPlan(type.enumType).defaultName;
  return undefined;
}

function decodeField(
  types: DescriptorRegistry,
  field: FieldDescriptor,
  value: unknown,
  path: string,
  depth: number,
  mode: Mode,
): unknown {
  if (field.cardinality === 'repeated') {
    if (!Array.isArray(value))
      throw new ProtoJsonError(path, `expected an array, got ${describeJsonType(value)}`);
    return value
      .map((element, index) =>
        decodeElement(types, field.type, element, indexPath(path, index), depth, mode),
      )
      .filter((element) => element !== SKIPPED);
  }
  if (field.cardinality === 'map') {
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      throw new ProtoJsonError(path, `expected an object (map), got ${describeJsonType(value)}`);
    const map: JsonObject = {};
    for (const [key, element] of Object.entries(value)) {
      const entryPath = keyPath(path, key);
      const mapKey = canonicalMapKey(field.mapKey ?? 'string', key, entryPath);
      const decoded = decodeElement(types, field.type, element, entryPath, depth, mode);
      if (decoded !== SKIPPED) setOwn(map, mapKey, decoded);
    }
    return map;
  }
  return decodeValue(types, field.type, value, path, depth, mode);
}

/** Elements of repeated fields and map values cannot be null in protojson (but a Value can). */
function decodeElement(
  types: DescriptorRegistry,
  type: ValueType,
  value: unknown,
  path: string,
  depth: number,
  mode: Mode,
): unknown {
  if (value === null && !nullIsValue(type))
    throw new ProtoJsonError(path, 'null is not allowed here');
  return decodeValue(types, type, value, path, depth, mode);
}

/** @internal */
export function decodeValue(
  types: DescriptorRegistry,
  type: ValueType,
  value: unknown,
  path: string,
  depth: number,
  mode: Mode = DEFAULT_MODE,
): unknown {
  if (type.kind === 'scalar') return decodeScalarJson(type.scalar, value, path);
  if (type.kind === 'enum') {
    if (
      mode.skipUnknownEnumNames &&
      typeof value === 'string' &&
      type.enumType !== NULL_VALUE &&
      !types.enumPlan(type.enumType).numberByName.has(value)
    )
      return SKIPPED;
    return decodeEnum(types, type.enumType, value, path);
  }
  return decodeMessageValue(types, type.messageType, value, path, depth + 1, mode);
}

function decodeMessageValue(
  types: DescriptorRegistry,
  messageType: string,
  value: unknown,
  path: string,
  depth: number,
  mode: Mode,
): unknown {
  if (depth > MAX_DEPTH) throw new ProtoJsonError(path, `nesting deeper than ${MAX_DEPTH} levels`);
  if (messageType === STRUCT) return structFromJson(value, path, depth);
  if (messageType === VALUE) return valueFromJson(value, path, depth);
  if (messageType === LIST_VALUE) return listFromJson(value, path, depth);
  if (messageType === FIELD_MASK) return fieldMaskFromJson(value, path);
  if (messageType === ANY) return decodeAny(types, value, path, depth, mode);
  const wrapped = WRAPPER_SCALARS.get(messageType);
  if (wrapped) return { value: decodeScalarJson(wrapped, value, path) };
  if (messageType === TIMESTAMP)
    return parseTimestamp(expectString(value, path, 'an RFC 3339 timestamp'), path);
  if (messageType === DURATION)
    return parseDuration(expectString(value, path, 'a duration string'), path);
  if (messageType === EMPTY) {
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      throw new ProtoJsonError(path, `expected an object, got ${describeJsonType(value)}`);
    return {};
  }
  return decodeMessage(types, messageType, value, path, depth, mode);
}

/**
 * `{"@type": "<url>/<type>", ...fields}` (or `"value"` for a type with its own JSON form) as the
 * loader's `{ type_url, value }`, the embedded message serialised to protobuf binary.
 */
function decodeAny(
  types: DescriptorRegistry,
  json: unknown,
  path: string,
  depth: number,
  mode: Mode,
): JsonObject {
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw new ProtoJsonError(path, `expected an object (Any), got ${describeJsonType(json)}`);
  const input = json as JsonObject;
  if (Object.keys(input).length === 0) return { type_url: '', value: Buffer.alloc(0) };
  const typeUrl = input['@type'];
  const typePath = fieldPath(path, '@type');
  if (typeof typeUrl !== 'string' || !typeUrl.includes('/'))
    throw new ProtoJsonError(
      typePath,
      'expected a type URL such as "type.googleapis.com/pkg.Type"',
    );
  const typeName = anyTypeName(typeUrl);
  if (!isKnownMessage(types, typeName))
    throw new ProtoJsonError(typePath, `unknown message type ${JSON.stringify(typeName)}`);
  const rest: JsonObject = {};
  for (const [key, value] of Object.entries(input)) if (key !== '@type') setOwn(rest, key, value);
  let message: JsonObject;
  if (CUSTOM_JSON_TYPES.has(typeName)) {
    const extra = Object.keys(rest).filter((key) => key !== 'value');
    if (extra.length > 0 && mode.rejectUnknownFields)
      throw new ProtoJsonError(fieldPath(path, extra[0]), `an Any of ${typeName} has only "value"`);
    if (!Object.hasOwn(rest, 'value'))
      throw new ProtoJsonError(fieldPath(path, 'value'), `an Any of ${typeName} needs "value"`);
    message = decodeMessageValue(
      types,
      typeName,
      rest.value,
      fieldPath(path, 'value'),
      depth + 1,
      mode,
    ) as JsonObject;
  } else {
    message = decodeMessage(types, typeName, rest, path, depth + 1, mode);
  }
  return { type_url: typeUrl, value: Buffer.from(encodeBinary(types, typeName, message)) };
}

/** @internal */
export function decodeEnum(
  types: DescriptorRegistry,
  enumType: string,
  value: unknown,
  path: string,
): string | number {
  if (enumType === NULL_VALUE) {
    if (value === null || value === 'NULL_VALUE' || value === 0) return 'NULL_VALUE';
    throw new ProtoJsonError(path, `expected null, got ${JSON.stringify(value)}`);
  }
  const plan = types.enumPlan(enumType);
  if (typeof value === 'string' && plan.numberByName.has(value)) return value;
  if (typeof value === 'number') {
    const name = plan.nameByNumber.get(value);
    if (name !== undefined) return name;
    // proto3 enums are open: a number this build does not know is kept, as the loader keeps it.
    if (Number.isInteger(value) && value >= -(2 ** 31) && value < 2 ** 31) return value;
  }
  if (typeof value !== 'string' && typeof value !== 'number')
    throw new ProtoJsonError(
      path,
      `expected an enum name or number, got ${describeJsonType(value)}`,
    );
  const allowed = [...plan.numberByName.keys()].join(', ');
  throw new ProtoJsonError(
    path,
    `unknown ${enumType} value ${JSON.stringify(value)} (allowed: ${allowed})`,
  );
}

function expectString(value: unknown, path: string, what: string): string {
  if (typeof value !== 'string')
    throw new ProtoJsonError(path, `expected ${what}, got ${describeJsonType(value)}`);
  return value;
}

/** Map keys arrive as JSON strings; integer and bool keys are checked and written canonically. */
function canonicalMapKey(keyType: ScalarType, key: string, path: string): string {
  if (keyType === 'string') return key;
  if (keyType === 'bool') {
    if (key === 'true' || key === 'false') return key;
    throw new ProtoJsonError(path, `expected a bool map key, got ${JSON.stringify(key)}`);
  }
  if (!/^-?(0|[1-9]\d*)$/.test(key))
    throw new ProtoJsonError(
      path,
      `expected an integer map key (${keyType}), got ${JSON.stringify(key)}`,
    );
  return String(parseScalarText(keyType, key, path));
}

/** Assigns even a `__proto__` key as data, so a hostile map key cannot swap the prototype. @internal */
export function setOwn(target: JsonObject, key: string, value: unknown): void {
  if (key === '__proto__')
    Object.defineProperty(target, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  else target[key] = value;
}
