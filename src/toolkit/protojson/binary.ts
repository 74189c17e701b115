import { BinaryReader, BinaryWriter, WireType } from '@bufbuild/protobuf/wire';
import { FieldDescriptor, ScalarType, ValueType } from '../descriptor/types';
import { LONG_SCALARS } from './integers';
import { NULL_VALUE } from './json-value';
import type { DescriptorRegistry } from '../descriptor/registry';
import { scalarDefault } from './scalars';
import { messageDescriptorOf } from './well-known-descriptors';

/**
 * Protobuf binary for loader-shaped messages, driven by the generated descriptors. The JSON codec
 * needs it for google.protobuf.Any, whose JSON form is the embedded message while its loader
 * form is `{ type_url, value: <bytes> }`. Wire primitives are @bufbuild/protobuf's; only the walk
 * over our descriptors is here (its message classes are not the loader shape).
 */

type JsonObject = Record<string, unknown>;

/**
 * Fields this build does not know, kept as their raw wire bytes (tag included) on a symbol-keyed,
 * non-enumerable property, so a message read and written again loses nothing (JSON ignores them).
 */
const UNKNOWN_FIELDS = Symbol('unknown protobuf fields');

/** Nested messages deeper than this are refused, as protobuf's own parsers do (limit 100). */
const MAX_DEPTH = 100;

/** Serialises a loader-shaped message of `messageType`. @internal */
export function encodeBinary(
  types: DescriptorRegistry,
  messageType: string,
  message: JsonObject,
): Uint8Array {
  const writer = new BinaryWriter();
  writeMessage(types, writer, messageType, message);
  return writer.finish();
}

/** Parses protobuf binary as a loader-shaped message of `messageType` (defaults filled in). @internal */
export function decodeBinary(
  types: DescriptorRegistry,
  messageType: string,
  bytes: Uint8Array,
): JsonObject {
  return readMessage(types, new BinaryReader(bytes), bytes, messageType, bytes.length, 0);
}

function writeMessage(
  types: DescriptorRegistry,
  writer: BinaryWriter,
  messageType: string,
  message: JsonObject,
): void {
  writeKnownFields(types, writer, messageType, message);
  const unknown = (message as { [UNKNOWN_FIELDS]?: Uint8Array[] })[UNKNOWN_FIELDS];
  for (const chunk of unknown ?? []) writer.raw(chunk);
}

function writeKnownFields(
  types: DescriptorRegistry,
  writer: BinaryWriter,
  messageType: string,
  message: JsonObject,
): void {
  for (const field of messageDescriptorOf(types, messageType).fields) {
    const value = message[field.name];
    if (value === undefined || value === null) continue;
    if (field.cardinality === 'repeated') {
      const items = value as unknown[];
      if (items.length === 0) continue;
      if (isPackable(field.type) && !field.unpacked) {
        writer.tag(field.number, WireType.LengthDelimited).fork();
        for (const item of items) writeBare(types, writer, field.type, item);
        writer.join();
      } else {
        for (const item of items) writeValue(types, writer, field.number, field.type, item);
      }
    } else if (field.cardinality === 'map') {
      const keyType = field.mapKey ?? 'string';
      for (const [key, item] of Object.entries(value as JsonObject)) {
        writer.tag(field.number, WireType.LengthDelimited).fork();
        writeValue(
          types,
          writer,
          1,
          { kind: 'scalar', scalar: keyType },
          mapKeyValue(keyType, key),
        );
        writeValue(types, writer, 2, field.type, item);
        writer.join();
      }
    } else {
      // Implicit presence: a default is not written, unless the field tracks presence.
      if (!field.optional && !field.oneof && isDefault(types, field.type, value)) continue;
      writeValue(types, writer, field.number, field.type, value);
    }
  }
}

function isPackable(type: ValueType): boolean {
  return (
    type.kind === 'enum' ||
    (type.kind === 'scalar' && wireTypeOf(type.scalar) !== WireType.LengthDelimited)
  );
}

function isDefault(types: DescriptorRegistry, type: ValueType, value: unknown): boolean {
  if (type.kind === 'message') return false;
  if (type.kind === 'enum') return enumNumber(types, type.enumType, value) === 0;
  if (value instanceof Uint8Array) return value.length === 0;
  if (typeof value === 'number') return value === 0 && !Object.is(value, -0);
  return value === scalarDefault(type.scalar) || value === '0';
}

function wireTypeOf(scalar: ScalarType): WireType {
  switch (scalar) {
    case 'double':
    case 'fixed64':
    case 'sfixed64':
      return WireType.Bit64;
    case 'float':
    case 'fixed32':
    case 'sfixed32':
      return WireType.Bit32;
    case 'string':
    case 'bytes':
      return WireType.LengthDelimited;
    default:
      return WireType.Varint;
  }
}

function writeValue(
  types: DescriptorRegistry,
  writer: BinaryWriter,
  number: number,
  type: ValueType,
  value: unknown,
): void {
  if (type.kind === 'message') {
    writer.tag(number, WireType.LengthDelimited).fork();
    writeMessage(types, writer, type.messageType, value as JsonObject);
    writer.join();
    return;
  }
  writer.tag(number, type.kind === 'enum' ? WireType.Varint : wireTypeOf(type.scalar));
  writeBare(types, writer, type, value);
}

function writeBare(
  types: DescriptorRegistry,
  writer: BinaryWriter,
  type: ValueType,
  value: unknown,
): void {
  if (type.kind === 'enum') {
    writer.int32(enumNumber(types, type.enumType, value));
    return;
  }
  if (type.kind === 'message') throw new Error('a message has no packed form');
  const long = value as string | number | bigint;
  switch (type.scalar) {
    case 'double':
      return void writer.double(value as number);
    case 'float':
      return void writer.float(value as number);
    case 'int32':
      return void writer.int32(value as number);
    case 'uint32':
      return void writer.uint32(value as number);
    case 'sint32':
      return void writer.sint32(value as number);
    case 'fixed32':
      return void writer.fixed32(value as number);
    case 'sfixed32':
      return void writer.sfixed32(value as number);
    case 'int64':
      return void writer.int64(long);
    case 'uint64':
      return void writer.uint64(long);
    case 'sint64':
      return void writer.sint64(long);
    case 'fixed64':
      return void writer.fixed64(long);
    case 'sfixed64':
      return void writer.sfixed64(long);
    case 'bool':
      return void writer.bool(value as boolean);
    case 'string':
      return void writer.string(value as string);
    case 'bytes':
      return void writer.bytes(value as Uint8Array);
  }
}

function enumNumber(types: DescriptorRegistry, enumType: string, value: unknown): number {
  if (typeof value === 'number') return value;
  if (enumType === NULL_VALUE || value === undefined || value === null) return 0;
  const number = types.enumPlan(enumType).numberByName.get(String(value));
  if (number === undefined) throw new Error(`${String(value)} is not a value of ${enumType}`);
  return number;
}

/** Map keys are strings in the loader shape; the wire needs the key type's value. */
function mapKeyValue(keyType: ScalarType, key: string): unknown {
  if (keyType === 'bool') return key === 'true';
  if (keyType === 'string' || LONG_SCALARS.has(keyType)) return key;
  return Number(key);
}

function readMessage(
  types: DescriptorRegistry,
  reader: BinaryReader,
  bytes: Uint8Array,
  messageType: string,
  end: number,
  depth: number,
  into?: JsonObject,
): JsonObject {
  if (depth > MAX_DEPTH) throw new Error(`nesting deeper than ${MAX_DEPTH} levels`);
  const { fields } = messageDescriptorOf(types, messageType);
  const byNumber = new Map(fields.map((field) => [field.number, field]));
  // A message seen twice on the wire is merged: the second is read into the first.
  const message: JsonObject = into ?? {};
  if (!into) for (const field of fields) message[field.name] = defaultOf(types, field);
  while (reader.pos < end) {
    const start = reader.pos;
    const [number, wireType] = reader.tag();
    const field = byNumber.get(number);
    if (!field) {
      reader.skip(wireType, number);
      keepUnknown(message, bytes.subarray(start, reader.pos));
      continue;
    }
    if (field.cardinality === 'repeated') {
      const items = message[field.name] as unknown[];
      if (wireType === WireType.LengthDelimited && isPackable(field.type)) {
        const packedEnd = reader.uint32() + reader.pos;
        while (reader.pos < packedEnd) items.push(readBare(types, reader, field.type));
      } else {
        items.push(readValue(types, reader, bytes, field.type, depth));
      }
    } else if (field.cardinality === 'map') {
      const [key, value] = readMapEntry(types, reader, bytes, field, depth);
      Object.defineProperty(message[field.name], key, {
        value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    } else {
      if (field.oneof) {
        for (const member of fields)
          if (member.oneof === field.oneof && member !== field) message[member.name] = undefined;
        message[field.oneof] = field.name;
      }
      const previous = message[field.name];
      const existing =
        field.type.kind === 'message' && typeof previous === 'object' && previous !== null
          ? (previous as JsonObject)
          : undefined;
      message[field.name] = readValue(types, reader, bytes, field.type, depth, existing);
    }
  }
  return message;
}

function keepUnknown(message: JsonObject, chunk: Uint8Array): void {
  const holder = message as { [UNKNOWN_FIELDS]?: Uint8Array[] };
  if (!holder[UNKNOWN_FIELDS])
    Object.defineProperty(message, UNKNOWN_FIELDS, {
      value: [],
      enumerable: false,
      writable: true,
    });
  holder[UNKNOWN_FIELDS]?.push(chunk);
}

function defaultOf(types: DescriptorRegistry, field: FieldDescriptor): unknown {
  if (field.cardinality === 'repeated') return [];
  if (field.cardinality === 'map') return {};
  if (field.optional || field.oneof || field.type.kind === 'message') return undefined;
  if (field.type.kind === 'enum')
    return field.type.enumType === NULL_VALUE
      ? 'NULL_VALUE'
      : types.enumPlan(field.type.enumType).defaultName;
  return scalarDefault(field.type.scalar);
}

function readMapEntry(
  types: DescriptorRegistry,
  reader: BinaryReader,
  bytes: Uint8Array,
  field: FieldDescriptor,
  depth: number,
): [string, unknown] {
  const end = reader.uint32() + reader.pos;
  const keyType: ValueType = { kind: 'scalar', scalar: field.mapKey ?? 'string' };
  let key: unknown = scalarDefault(keyType.scalar);
  let value: unknown = defaultOf(types, { ...field, cardinality: 'singular', optional: false });
  if (field.type.kind === 'message') value = readMessageDefault(types, field.type.messageType);
  while (reader.pos < end) {
    const [number, wireType] = reader.tag();
    if (number === 1) key = readValue(types, reader, bytes, keyType, depth);
    else if (number === 2) value = readValue(types, reader, bytes, field.type, depth);
    else reader.skip(wireType, number);
  }
  return [String(key), value];
}

function readMessageDefault(types: DescriptorRegistry, messageType: string): JsonObject {
  const empty = new Uint8Array(0);
  return readMessage(types, new BinaryReader(empty), empty, messageType, 0, 0);
}

function readValue(
  types: DescriptorRegistry,
  reader: BinaryReader,
  bytes: Uint8Array,
  type: ValueType,
  depth: number,
  into?: JsonObject,
): unknown {
  if (type.kind === 'message') {
    const end = reader.uint32() + reader.pos;
    return readMessage(types, reader, bytes, type.messageType, end, depth + 1, into);
  }
  return readBare(types, reader, type);
}

function readBare(types: DescriptorRegistry, reader: BinaryReader, type: ValueType): unknown {
  if (type.kind === 'enum') {
    const number = reader.int32();
    if (type.enumType === NULL_VALUE) return 'NULL_VALUE';
    return types.enumPlan(type.enumType).nameByNumber.get(number) ?? number;
  }
  if (type.kind === 'message') throw new Error('a message has no packed form');
  switch (type.scalar) {
    case 'double':
      return reader.double();
    case 'float':
      return reader.float();
    case 'int32':
      return reader.int32();
    case 'uint32':
      return reader.uint32();
    case 'sint32':
      return reader.sint32();
    case 'fixed32':
      return reader.fixed32();
    case 'sfixed32':
      return reader.sfixed32();
    case 'int64':
      return String(reader.int64());
    case 'uint64':
      return String(reader.uint64());
    case 'sint64':
      return String(reader.sint64());
    case 'fixed64':
      return String(reader.fixed64());
    case 'sfixed64':
      return String(reader.sfixed64());
    case 'bool':
      return reader.bool();
    case 'string':
      return reader.string();
    case 'bytes':
      return Buffer.from(reader.bytes());
  }
}
