import { FieldDescriptor, ScalarType, ValueType } from '../descriptor/types';
import { fieldPath, indexPath, keyPath } from '../validation/field-path';
import { LONG_SCALARS } from './integers';
import type { DescriptorRegistry } from '../descriptor/registry';
import { setOwn } from './decode';
import {
  FIELD_MASK,
  fieldMaskToJson,
  LIST_VALUE,
  listToJson,
  NULL_VALUE,
  STRUCT,
  structToJson,
  VALUE,
  valueToJson,
} from './json-value';
import { scalarDefault } from './scalars';
import { decodeBinary } from './binary';
import { isKnownMessage } from './well-known-descriptors';
import {
  ANY,
  anyTypeName,
  CUSTOM_JSON_TYPES,
  DURATION,
  EMPTY,
  formatDuration,
  formatTimestamp,
  TIMESTAMP,
  WRAPPER_SCALARS,
} from './well-known';

type JsonObject = Record<string, unknown>;

/** @publicApi */
export interface EncodeJsonOptions {
  /** Key fields by proto name (the default, as grpc-gateway's UseProtoNames) or by jsonName. */
  useProtoNames?: boolean;
  /**
   * Write every field, defaults included and `null` for unset messages (the default, as
   * grpc-gateway's EmitUnpopulated); `false` leaves out fields at their default, as protojson does.
   */
  emitUnpopulated?: boolean;
}

/**
 * Writes a loader-shaped message as protojson the way grpc-gateway does with
 * `UseProtoNames` + `EmitUnpopulated`: proto (snake_case) names, every field present (defaults for
 * unset scalars, `null` for unset messages), 64-bit integers as strings, enums by name, Timestamp
 * as RFC 3339 UTC, Duration as `"1.5s"`, bytes as base64. Unset proto3 `optional` fields and unset
 * oneof members are omitted.
 *
 * @throws Error when the handler returned a value of the wrong type (a server bug, not a 400).
 * @publicApi
 */
export function encodeJson(
  types: DescriptorRegistry,
  messageType: string,
  message: Record<string, unknown>,
  options: EncodeJsonOptions = {},
): unknown {
  return encodeMessage(types, messageType, message, '', {
    protoNames: options.useProtoNames !== false,
    emitUnpopulated: options.emitUnpopulated !== false,
  });
}

interface Resolved {
  protoNames: boolean;
  emitUnpopulated: boolean;
}

function encodeMessage(
  types: DescriptorRegistry,
  messageType: string,
  message: unknown,
  path: string,
  options: Resolved,
): JsonObject {
  if (typeof message !== 'object' || message === null || Array.isArray(message))
    throw encodeError(path, `expected an object (${messageType})`, message);
  const source = message as JsonObject;
  const plan = types.messagePlan(messageType);
  const json: JsonObject = {};
  for (const field of plan.fields) {
    const value = source[field.name];
    const unset = value === undefined || value === null;
    // An unset Value has no JSON form: `null` would read back as a Value holding null.
    const isValue = field.type.kind === 'message' && field.type.messageType === VALUE;
    if (unset && (field.optional || field.oneof || (isValue && field.cardinality === 'singular')))
      continue;
    if (
      !options.emitUnpopulated &&
      !field.optional &&
      !field.oneof &&
      isDefault(types, field, value)
    )
      continue;
    json[options.protoNames ? field.name : field.jsonName] = encodeField(
      types,
      field,
      value,
      fieldPath(path, field.name),
      options,
    );
  }
  return json;
}

function encodeField(
  types: DescriptorRegistry,
  field: FieldDescriptor,
  value: unknown,
  path: string,
  options: Resolved,
): unknown {
  if (field.cardinality === 'repeated') {
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) throw encodeError(path, 'expected an array', value);
    return value.map((element, index) =>
      encodeValue(types, field.type, element, indexPath(path, index), options),
    );
  }
  if (field.cardinality === 'map') {
    if (value === undefined || value === null) return {};
    if (typeof value !== 'object' || Array.isArray(value))
      throw encodeError(path, 'expected an object (map)', value);
    const json: JsonObject = {};
    for (const [key, element] of Object.entries(value))
      setOwn(json, key, encodeValue(types, field.type, element, keyPath(path, key), options));
    return json;
  }
  return encodeValue(types, field.type, value, path, options);
}

function encodeValue(
  types: DescriptorRegistry,
  type: ValueType,
  value: unknown,
  path: string,
  options: Resolved,
): unknown {
  if (type.kind === 'scalar')
    return encodeScalar(type.scalar, value ?? scalarDefault(type.scalar), path);
  if (type.kind === 'enum') return encodeEnum(types, type.enumType, value, path);
  if (value === undefined || value === null) return null;
  return encodeMessageValue(types, type.messageType, value, path, options);
}

function encodeMessageValue(
  types: DescriptorRegistry,
  messageType: string,
  value: unknown,
  path: string,
  options: Resolved,
): unknown {
  if (messageType === STRUCT) return structToJson(value, path);
  if (messageType === VALUE) return valueToJson(value, path);
  if (messageType === LIST_VALUE) return listToJson(value, path);
  if (messageType === FIELD_MASK) return fieldMaskToJson(value, path);
  if (messageType === ANY) return encodeAny(types, value, path, options);
  const wrapped = WRAPPER_SCALARS.get(messageType);
  if (wrapped) {
    const inner =
      typeof value === 'object' && value !== null ? (value as JsonObject).value : undefined;
    return encodeScalar(wrapped, inner ?? scalarDefault(wrapped), path);
  }
  if (messageType === TIMESTAMP) return formatTimestamp(value, path);
  if (messageType === DURATION) return formatDuration(value, path);
  if (messageType === EMPTY) return {};
  return encodeMessage(types, messageType, value, path, options);
}

/** The loader's `{ type_url, value }` as `{"@type": ..., ...}` with the embedded message as JSON. */
function encodeAny(
  types: DescriptorRegistry,
  value: unknown,
  path: string,
  options: Resolved,
): JsonObject {
  if (typeof value !== 'object' || value === null)
    throw encodeError(path, 'expected an Any', value);
  const { type_url: typeUrl = '', value: bytes } = value as JsonObject;
  const payload = bytes instanceof Uint8Array ? bytes : new Uint8Array(0);
  if (typeUrl === '' && payload.length === 0) return {};
  if (typeof typeUrl !== 'string' || !typeUrl.includes('/'))
    throw encodeError(path, 'expected an Any type URL', typeUrl);
  const typeName = anyTypeName(typeUrl);
  if (!isKnownMessage(types, typeName))
    throw encodeError(path, 'an Any of a registered message type', typeName);
  let embedded: Record<string, unknown>;
  try {
    embedded = decodeBinary(types, typeName, payload);
  } catch (error) {
    throw encodeError(path, `an Any holding a valid ${typeName} (${String(error)})`, typeName);
  }
  const json = encodeMessageValue(types, typeName, embedded, path, options);
  if (CUSTOM_JSON_TYPES.has(typeName)) return { '@type': typeUrl, value: json };
  return { '@type': typeUrl, ...(json as JsonObject) };
}

function encodeScalar(scalar: ScalarType, value: unknown, path: string): unknown {
  switch (scalar) {
    case 'string':
      if (typeof value !== 'string') throw encodeError(path, 'expected a string', value);
      return value;
    case 'bool':
      if (typeof value !== 'boolean') throw encodeError(path, 'expected a boolean', value);
      return value;
    case 'bytes':
      if (!(value instanceof Uint8Array)) throw encodeError(path, 'expected a Buffer', value);
      return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
    case 'double':
    case 'float':
      if (typeof value !== 'number') throw encodeError(path, 'expected a number', value);
      if (!Number.isFinite(value)) return String(value);
      return scalar === 'float' ? shortestFloat32(value) : value;
    default:
      return encodeInteger(scalar, value, path);
  }
}

function encodeInteger(scalar: ScalarType, value: unknown, path: string): string | number {
  const integral =
    (typeof value === 'number' && Number.isInteger(value)) ||
    typeof value === 'bigint' ||
    (typeof value === 'string' && /^-?\d+$/.test(value));
  if (!integral) throw encodeError(path, `expected an integer (${scalar})`, value);
  if (LONG_SCALARS.has(scalar))
    return typeof value === 'number' ? BigInt(value).toString() : String(value);
  return Number(value);
}

function encodeEnum(
  types: DescriptorRegistry,
  enumType: string,
  value: unknown,
  path: string,
): string | number | null {
  if (enumType === NULL_VALUE) return null;
  const plan = types.enumPlan(enumType);
  if (value === undefined || value === null) return plan.defaultName;
  if (typeof value === 'string' && plan.numberByName.has(value)) return value;
  // An open enum may carry a number this build does not know; protojson writes it as a number.
  if (typeof value === 'number' && Number.isInteger(value))
    return plan.nameByNumber.get(value) ?? value;
  throw encodeError(path, `expected a ${enumType} value`, value);
}

/**
 * A float that went through the wire is a float32 widened to double (0.1 arrives as
 * 0.10000000149011612); write the shortest decimal that reads back as the same float32, as Go does.
 */
function shortestFloat32(value: number): number {
  const single = Math.fround(value);
  for (let digits = 1; digits < 9; digits++) {
    const candidate = Number(single.toPrecision(digits));
    if (Math.fround(candidate) === single) return candidate;
  }
  return Number(single.toPrecision(9));
}

/** Whether a field without explicit presence holds its default (so protojson leaves it out). */
function isDefault(types: DescriptorRegistry, field: FieldDescriptor, value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (field.cardinality === 'repeated') return Array.isArray(value) && value.length === 0;
  if (field.cardinality === 'map')
    return typeof value === 'object' && Object.keys(value).length === 0;
  const { type } = field;
  if (type.kind === 'message') return false;
  if (type.kind === 'enum')
    return (
      value === 0 ||
      (type.enumType !== NULL_VALUE && value === types.enumPlan(type.enumType).defaultName) ||
      type.enumType === NULL_VALUE
    );
  if (value instanceof Uint8Array) return value.length === 0;
  if (typeof value === 'number') return value === 0 && !Object.is(value, -0);
  return value === scalarDefault(type.scalar) || value === '0' || value === false || value === '';
}

function encodeError(path: string, expectation: string, value: unknown): Error {
  const shown = typeof value === 'string' ? JSON.stringify(value) : typeof value;
  return new Error(`cannot encode ${path === '' ? 'message' : path}: ${expectation}, got ${shown}`);
}
