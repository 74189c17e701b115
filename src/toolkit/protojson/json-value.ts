import { describeJsonType, ProtoJsonError } from './protojson-error';

/**
 * google.protobuf.Struct / Value / ListValue / NullValue and FieldMask, whose protojson form is
 * not their field-by-field one: a Struct is a JSON object, a Value any JSON value, a ListValue an
 * array, NullValue `null`, a FieldMask one comma-separated string of lowerCamel paths. In memory
 * they keep the loader shape (`{ fields }`, `{ kind, number_value }`, `{ values }`, `{ paths }`).
 */
export const STRUCT = 'google.protobuf.Struct';
export const VALUE = 'google.protobuf.Value';
export const LIST_VALUE = 'google.protobuf.ListValue';
export const NULL_VALUE = 'google.protobuf.NullValue';
export const FIELD_MASK = 'google.protobuf.FieldMask';

type JsonObject = Record<string, unknown>;

/** The loader shape of a Struct holding `json` (a JSON object). @internal */
export function structFromJson(json: unknown, path: string, depth: number): JsonObject {
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw new ProtoJsonError(path, `expected an object (Struct), got ${describeJsonType(json)}`);
  const fields: JsonObject = {};
  for (const [key, element] of Object.entries(json))
    Object.defineProperty(fields, key, {
      value: valueFromJson(element, `${path}.${key}`, depth + 1),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  return { fields };
}

/** The loader shape of a ListValue holding `json` (a JSON array). @internal */
export function listFromJson(json: unknown, path: string, depth: number): JsonObject {
  if (!Array.isArray(json))
    throw new ProtoJsonError(path, `expected an array (ListValue), got ${describeJsonType(json)}`);
  return {
    values: json.map((element, index) => valueFromJson(element, `${path}[${index}]`, depth + 1)),
  };
}

/** The loader shape of a Value holding any JSON value (`null` included). @internal */
export function valueFromJson(json: unknown, path: string, depth: number): JsonObject {
  if (depth > 100) throw new ProtoJsonError(path, 'nesting too deep');
  if (json === null) return { null_value: 'NULL_VALUE', kind: 'null_value' };
  switch (typeof json) {
    case 'number':
      return { number_value: json, kind: 'number_value' };
    case 'string':
      return { string_value: json, kind: 'string_value' };
    case 'boolean':
      return { bool_value: json, kind: 'bool_value' };
    default:
      return Array.isArray(json)
        ? { list_value: listFromJson(json, path, depth), kind: 'list_value' }
        : { struct_value: structFromJson(json, path, depth), kind: 'struct_value' };
  }
}

/** A loader-shaped Struct as a JSON object. @internal */
export function structToJson(message: unknown, path: string): JsonObject {
  const fields = (asObject(message, path, 'Struct').fields ?? {}) as JsonObject;
  const json: JsonObject = {};
  for (const [key, element] of Object.entries(fields))
    Object.defineProperty(json, key, {
      value: valueToJson(element, `${path}.${key}`),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  return json;
}

/** A loader-shaped ListValue as a JSON array. @internal */
export function listToJson(message: unknown, path: string): unknown[] {
  const values = (asObject(message, path, 'ListValue').values ?? []) as unknown[];
  return values.map((element, index) => valueToJson(element, `${path}[${index}]`));
}

/** A loader-shaped Value as JSON; an unset kind cannot be written (protojson has no form for it). @internal */
export function valueToJson(message: unknown, path: string): unknown {
  const value = asObject(message, path, 'Value');
  switch (value.kind) {
    case 'null_value':
      return null;
    case 'number_value': {
      const number = value.number_value;
      if (typeof number !== 'number' || !Number.isFinite(number))
        throw new Error(`cannot encode ${path}: Value.number_value must be finite`);
      return number;
    }
    case 'string_value':
      return value.string_value;
    case 'bool_value':
      return value.bool_value;
    case 'struct_value':
      return structToJson(value.struct_value, path);
    case 'list_value':
      return listToJson(value.list_value, path);
    default:
      throw new Error(`cannot encode ${path}: Value has no kind set`);
  }
}

/** `"fooBar,baz.quxQuux"` as `{ paths: ['foo_bar', 'baz.qux_quux'] }`. @internal */
export function fieldMaskFromJson(json: unknown, path: string): JsonObject {
  if (typeof json !== 'string')
    throw new ProtoJsonError(path, `expected a field mask string, got ${describeJsonType(json)}`);
  if (json === '') return { paths: [] };
  const paths = json.split(',').map((camel) => {
    if (!/^[A-Za-z0-9.]*$/.test(camel))
      throw new ProtoJsonError(
        path,
        `field mask path ${JSON.stringify(camel)} is not lowerCamelCase`,
      );
    return camel.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
  });
  return { paths };
}

/** `{ paths: ['foo_bar'] }` as `"fooBar"`; a path that does not survive the round trip is refused. @internal */
export function fieldMaskToJson(message: unknown, path: string): string {
  const paths = (asObject(message, path, 'FieldMask').paths ?? []) as unknown[];
  return paths
    .map((snake) => {
      if (typeof snake !== 'string' || !/^[a-z0-9_.]*$/.test(snake) || /_(?![a-z])/.test(snake))
        throw new Error(
          `cannot encode ${path}: field mask path ${JSON.stringify(snake)} has no lowerCamel form`,
        );
      return snake.replace(/_([a-z])/g, (_match, letter: string) => letter.toUpperCase());
    })
    .join(',');
}

function asObject(message: unknown, path: string, what: string): JsonObject {
  if (typeof message !== 'object' || message === null || Array.isArray(message))
    throw new Error(`cannot encode ${path === '' ? 'message' : path}: expected a ${what}`);
  return message as JsonObject;
}
