import { FieldDescriptor, ValueType } from '../descriptor/types';
import { decodeEnum, defaultMessage, setOwn } from './decode';
import type { DescriptorRegistry, ResolvedFieldPath } from '../descriptor/registry';
import { ProtoJsonError } from './protojson-error';
import { parseScalarText } from './scalars';
import { DURATION, parseDuration, parseTimestamp, TIMESTAMP, WRAPPER_SCALARS } from './well-known';

type Message = Record<string, unknown>;

/** A field path resolved against the descriptors: the fields from the root to the leaf. */
type ResolvedPath = readonly FieldDescriptor[];

/**
 * Applies the URL parts of a google.api.http request to `target` (the message decoded from the
 * body, or the defaults when there is none):
 * - every path parameter (`user_id`, or dotted `user.id`) is converted from text and set;
 * - unless the body is `*`, the query parameters are applied as `applyQueryParameters` says,
 *   leaving alone the fields bound by the path and the body field.
 *
 * @throws ProtoJsonError for text that does not convert to the field's type.
 * @throws Error when a path parameter names no field (the route table and descriptors disagree).
 * @publicApi
 */
export function applyPathAndQuery(
  types: DescriptorRegistry,
  messageType: string,
  target: Record<string, unknown>,
  pathParams: Record<string, string>,
  query: Record<string, string | string[]>,
  bodyField?: string,
): void {
  const bound: string[] = [];
  for (const [name, text] of Object.entries(pathParams)) {
    const { resolved, protoPath } = pathParameter(types, messageType, name);
    setResolved(types, target, resolved, [text], protoPath);
    bound.push(protoPath);
  }
  if (bodyField === '*') return;
  if (bodyField !== undefined) bound.push(bodyField);
  applyQueryParameters(types, messageType, target, query, bound);
}

/**
 * Sets query parameters on `target` the way grpc-gateway does: each name is a field path, by
 * proto name or jsonName (`nested.string_value`, `nested.stringValue`), a repeated field takes
 * every value of its parameter (`?tags=a&tags=b`), an enum takes a name or a number, a map entry
 * is `map_field[key]`. Names under an `excluded` field path (bound by the path or the body), and
 * names that match no field, are ignored; a name that goes on through a field that is not a
 * message (`string_value.x`) is an error, as is a second value for a singular field or a second
 * member of a oneof.
 *
 * @throws ProtoJsonError naming the parameter.
 * @publicApi
 */
export function applyQueryParameters(
  types: DescriptorRegistry,
  messageType: string,
  target: Record<string, unknown>,
  query: Record<string, string | string[]>,
  excluded: readonly string[] = [],
): void {
  for (const [name, raw] of Object.entries(query)) {
    const texts = Array.isArray(raw) ? raw : [raw];
    const mapEntry = MAP_ENTRY.exec(name);
    const fieldName = mapEntry ? mapEntry[1] : name;
    const resolved = resolveQueryPath(types, messageType, fieldName, name);
    if (!resolved) continue;
    const protoPath = resolved.map((field) => field.name).join('.');
    if (excluded.some((bound) => overlaps(bound, protoPath))) continue;
    const leaf = resolved[resolved.length - 1];
    if (mapEntry) {
      if (leaf.cardinality !== 'map') continue;
      setMapEntry(types, target, resolved, mapEntry[2], texts, `${protoPath}["${mapEntry[2]}"]`);
    } else if (leaf.cardinality !== 'map') {
      setResolved(types, target, resolved, texts, protoPath);
    }
  }
}

/** `map_value[key]`: the map field's path and the key text. */
const MAP_ENTRY = /^([^[\]]+)\[(.*)\]$/s;

/**
 * Path parameters come from the route table (a fixed set per message type), so their resolution
 * is kept in the app's registry; query names are the client's and are resolved per request,
 * never remembered.
 */
function pathParameter(
  types: DescriptorRegistry,
  messageType: string,
  name: string,
): ResolvedFieldPath {
  let byName = types.pathParameters.get(messageType);
  if (!byName) {
    byName = new Map();
    types.pathParameters.set(messageType, byName);
  }
  let parameter = byName.get(name);
  if (!parameter) {
    const resolved = resolvePath(types, messageType, name);
    if (!resolved || resolved[resolved.length - 1].cardinality === 'map')
      throw new Error(`path parameter ${name} is not a field of ${messageType}`);
    parameter = { resolved, protoPath: resolved.map((field) => field.name).join('.') };
    byName.set(name, parameter);
  }
  return parameter;
}

/** True when one path is the other or lies inside it (`a` and `a.b`). */
function overlaps(first: string, second: string): boolean {
  return first === second || first.startsWith(`${second}.`) || second.startsWith(`${first}.`);
}

/**
 * Resolves a query parameter's field path: undefined when a name matches no field (ignored),
 * an error when the path goes on through a field that is not a singular message.
 */
function resolveQueryPath(
  types: DescriptorRegistry,
  messageType: string,
  dotted: string,
  parameter: string,
): ResolvedPath | undefined {
  const resolved: FieldDescriptor[] = [];
  let currentType: string | undefined = messageType;
  for (const segment of dotted.split('.')) {
    if (currentType === undefined) {
      const through = resolved.map((field) => field.name).join('.');
      throw new ProtoJsonError(
        parameter,
        `query parameter ${parameter} goes through ${through}, which is not a message field`,
      );
    }
    const field = types.messagePlan(currentType).byKey.get(segment);
    if (!field) return undefined;
    resolved.push(field);
    currentType = nestedMessageType(field);
  }
  return resolved;
}

function nestedMessageType(field: FieldDescriptor): string | undefined {
  return field.cardinality === 'singular' &&
    field.type.kind === 'message' &&
    !isTextMessage(field.type.messageType)
    ? field.type.messageType
    : undefined;
}

/** Follows dotted names through singular message fields; undefined when any step is not a field. */
function resolvePath(
  types: DescriptorRegistry,
  messageType: string,
  dotted: string,
): ResolvedPath | undefined {
  const resolved: FieldDescriptor[] = [];
  let currentType: string | undefined = messageType;
  for (const segment of dotted.split('.')) {
    if (currentType === undefined) return undefined;
    const field = types.messagePlan(currentType).byKey.get(segment);
    if (!field) return undefined;
    resolved.push(field);
    currentType = nestedMessageType(field);
  }
  return resolved;
}

/** Well-known messages written as one text value (Timestamp, Duration, wrappers). */
function isTextMessage(messageType: string): boolean {
  return messageType === TIMESTAMP || messageType === DURATION || WRAPPER_SCALARS.has(messageType);
}

/** The message holding the leaf of `resolved`, creating the messages on the way. */
function leafContainer(
  types: DescriptorRegistry,
  target: Message,
  resolved: ResolvedPath,
  protoPath: string,
): Message {
  let container = target;
  for (const field of resolved.slice(0, -1)) {
    const existing = container[field.name];
    if (typeof existing !== 'object' || existing === null) {
      const created = defaultMessage(types, (field.type as { messageType: string }).messageType);
      setMember(container, field, created, protoPath);
      container = created;
    } else {
      container = existing as Message;
    }
  }
  return container;
}

function setMapEntry(
  types: DescriptorRegistry,
  target: Message,
  resolved: ResolvedPath,
  keyText: string,
  texts: readonly string[],
  path: string,
): void {
  const container = leafContainer(types, target, resolved, path);
  const leaf = resolved[resolved.length - 1];
  if (texts.length !== 1) throw new ProtoJsonError(path, `expected one value, got ${texts.length}`);
  const key = String(parseScalarText(leaf.mapKey!, keyText, path));
  const existing = container[leaf.name];
  const map =
    typeof existing === 'object' && existing !== null ? (existing as Message) : ({} as Message);
  setOwn(map, key, parseText(types, leaf.type, texts[0], path));
  container[leaf.name] = map;
}

function setResolved(
  types: DescriptorRegistry,
  target: Message,
  resolved: ResolvedPath,
  texts: readonly string[],
  protoPath: string,
): void {
  const container = leafContainer(types, target, resolved, protoPath);
  const leaf = resolved[resolved.length - 1];
  if (leaf.cardinality === 'repeated') {
    container[leaf.name] = texts.map((text, index) =>
      parseText(types, leaf.type, text, `${protoPath}[${index}]`),
    );
    return;
  }
  if (texts.length !== 1)
    throw new ProtoJsonError(protoPath, `expected one value, got ${texts.length}`);
  setMember(container, leaf, parseText(types, leaf.type, texts[0], protoPath), protoPath);
}

/** Sets a field, keeping the loader's oneof property and refusing a second member of a oneof. */
function setMember(
  container: Message,
  field: FieldDescriptor,
  value: unknown,
  protoPath: string,
): void {
  if (field.oneof) {
    const current = container[field.oneof];
    if (current !== undefined && current !== field.name)
      throw new ProtoJsonError(
        protoPath,
        `oneof ${field.oneof} already has ${String(current)} set`,
      );
    container[field.oneof] = field.name;
  }
  container[field.name] = value;
}

function parseText(
  types: DescriptorRegistry,
  type: ValueType,
  text: string,
  path: string,
): unknown {
  if (type.kind === 'scalar') return parseScalarText(type.scalar, text, path);
  if (type.kind === 'enum')
    return decodeEnum(types, type.enumType, /^-?\d+$/.test(text) ? Number(text) : text, path);
  const wrapped = WRAPPER_SCALARS.get(type.messageType);
  if (wrapped) return { value: parseScalarText(wrapped, text, path) };
  if (type.messageType === TIMESTAMP) return parseTimestamp(text, path);
  if (type.messageType === DURATION) return parseDuration(text, path);
  throw new ProtoJsonError(
    path,
    `a ${type.messageType} message cannot be given as a URL parameter`,
  );
}
