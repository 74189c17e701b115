/**
 * ts-proto types some well-known messages by their JSON meaning (a wrapper field is the bare
 * value, Struct a plain object, Value any JSON value, ListValue an array, FieldMask its paths),
 * while the toolkit's codec and handlers use the @grpc/proto-loader shape (`{ value }`,
 * `{ fields }`, `{ kind, number_value }`...). These convert between the two, field by field from
 * the generated descriptors, so the testee can hand binary payloads to the ts-proto codec.
 */
import { getMessageDescriptor } from '../../src/toolkit/descriptor';
import { FieldDescriptor, ValueType } from '../../src/toolkit/descriptor/types';

type Json = Record<string, unknown>;

const WRAPPERS = new Set(
  ['Double', 'Float', 'Int64', 'UInt64', 'Int32', 'UInt32', 'Bool', 'String', 'Bytes'].map(
    (name) => `google.protobuf.${name}Value`,
  ),
);
const STRUCT = 'google.protobuf.Struct';
const VALUE = 'google.protobuf.Value';
const LIST_VALUE = 'google.protobuf.ListValue';
const FIELD_MASK = 'google.protobuf.FieldMask';
/** Same shape in both: `{ seconds, nanos }` with seconds as a string, `{ type_url, value }`. */
const SAME_SHAPE = new Set([
  'google.protobuf.Timestamp',
  'google.protobuf.Duration',
  'google.protobuf.Any',
  'google.protobuf.Empty',
]);

/** ts-proto message → loader shape. */
export function toLoaderShape(messageType: string, message: unknown): Json {
  const source = message as Json;
  const result: Json = {};
  for (const field of getMessageDescriptor(messageType).fields) {
    const value = source[field.name];
    if (value === undefined) {
      if (field.oneof === undefined && !field.optional) result[field.name] = undefined;
      continue;
    }
    result[field.name] = mapField(field, value, valueToLoader);
    if (field.oneof !== undefined) result[field.oneof] = field.name;
  }
  return result;
}

/** Loader shape → ts-proto message. */
export function fromLoaderShape(messageType: string, message: unknown): Json {
  const source = message as Json;
  const result: Json = {};
  for (const field of getMessageDescriptor(messageType).fields) {
    const value = source[field.name];
    if (value === undefined || value === null) continue;
    result[field.name] = mapField(field, value, valueFromLoader);
  }
  return result;
}

function mapField(
  field: FieldDescriptor,
  value: unknown,
  convert: (type: ValueType, value: unknown) => unknown,
): unknown {
  if (field.cardinality === 'repeated')
    return (value as unknown[]).map((element) => convert(field.type, element));
  if (field.cardinality === 'map') {
    // ts-proto types a bool-keyed map as a Map<boolean, V>; every other map is a plain object.
    const entries = value instanceof Map ? [...value.entries()] : Object.entries(value as Json);
    const converted = entries.map(([key, element]) => [key, convert(field.type, element)]);
    if (field.mapKey !== 'bool') return Object.fromEntries(converted);
    return value instanceof Map
      ? Object.fromEntries(converted.map(([key, element]) => [String(key), element]))
      : new Map(converted.map(([key, element]) => [key === 'true', element]));
  }
  return convert(field.type, value);
}

function valueToLoader(type: ValueType, value: unknown): unknown {
  if (type.kind !== 'message') return value;
  const name = type.messageType;
  if (WRAPPERS.has(name)) return { value };
  if (name === STRUCT) return structToLoader(value as Json);
  if (name === VALUE) return jsonValueToLoader(value);
  if (name === LIST_VALUE) return { values: (value as unknown[]).map(jsonValueToLoader) };
  if (name === FIELD_MASK) return { paths: value };
  if (SAME_SHAPE.has(name)) return value;
  return toLoaderShape(name, value);
}

function structToLoader(value: Json): Json {
  return {
    fields: Object.fromEntries(
      Object.entries(value).map(([key, element]) => [key, jsonValueToLoader(element)]),
    ),
  };
}

function jsonValueToLoader(value: unknown): Json {
  if (value === null || value === undefined)
    return { null_value: 'NULL_VALUE', kind: 'null_value' };
  if (typeof value === 'number') return { number_value: value, kind: 'number_value' };
  if (typeof value === 'string') return { string_value: value, kind: 'string_value' };
  if (typeof value === 'boolean') return { bool_value: value, kind: 'bool_value' };
  if (Array.isArray(value))
    return { list_value: { values: value.map(jsonValueToLoader) }, kind: 'list_value' };
  return { struct_value: structToLoader(value as Json), kind: 'struct_value' };
}

function valueFromLoader(type: ValueType, value: unknown): unknown {
  if (type.kind !== 'message') return value;
  const name = type.messageType;
  if (WRAPPERS.has(name)) return (value as Json).value;
  if (name === STRUCT) return structFromLoader(value as Json);
  if (name === VALUE) return jsonValueFromLoader(value as Json);
  if (name === LIST_VALUE) return ((value as Json).values as Json[]).map(jsonValueFromLoader);
  if (name === FIELD_MASK) return (value as Json).paths;
  if (SAME_SHAPE.has(name)) return value;
  return fromLoaderShape(name, value);
}

function structFromLoader(value: Json): Json {
  return Object.fromEntries(
    Object.entries((value.fields ?? {}) as Json).map(([key, element]) => [
      key,
      jsonValueFromLoader(element as Json),
    ]),
  );
}

function jsonValueFromLoader(value: Json): unknown {
  switch (value.kind) {
    case 'number_value':
      return value.number_value;
    case 'string_value':
      return value.string_value;
    case 'bool_value':
      return value.bool_value;
    case 'struct_value':
      return structFromLoader(value.struct_value as Json);
    case 'list_value':
      return (((value.list_value as Json).values ?? []) as Json[]).map(jsonValueFromLoader);
    default:
      return null;
  }
}
