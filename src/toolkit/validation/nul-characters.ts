import type { DescriptorRegistry } from '../descriptor/registry';
import { FieldDescriptor, FieldViolation, MessageDescriptor } from '../descriptor/types';
import { fieldPath, indexPath, keyPath, violation } from './field-path';

/** Rule id of the toolkit-wide NUL rule, beside the proto's own `validate.rules`. @publicApi */
export const NUL_RULE = 'string.no_nul';

const NUL_DESCRIPTION = 'value must not contain a NUL character';

/**
 * Every string of a decoded request message (fields, repeated items, map keys and values, nested
 * messages, well-known types such as Struct) that contains U+0000. It is a toolkit-wide rule,
 * applied by the request validation step to every route: no proto declares it, because a NUL is
 * never meaningful text and PostgreSQL rejects it in `text` columns.
 * @publicApi
 */
export function nulViolations(
  types: DescriptorRegistry,
  messageType: string,
  message: unknown,
): FieldViolation[] {
  const found: FieldViolation[] = [];
  walkMessage(types, descriptorOf(types, messageType), message, '', found);
  return found;
}

function descriptorOf(
  types: DescriptorRegistry,
  messageType: string,
): MessageDescriptor | undefined {
  // Well-known types (Struct, Any...) have no generated descriptor: walked generically.
  return types.hasMessage(messageType) ? types.message(messageType) : undefined;
}

function walkMessage(
  types: DescriptorRegistry,
  descriptor: MessageDescriptor | undefined,
  message: unknown,
  path: string,
  found: FieldViolation[],
): void {
  if (typeof message !== 'object' || message === null) return;
  if (descriptor === undefined) {
    walkAny(message, path, found);
    return;
  }
  const record = message as Record<string, unknown>;
  for (const field of descriptor.fields) {
    const value = record[field.name];
    if (value === undefined || value === null) continue;
    const at = fieldPath(path, field.name);
    if (field.cardinality === 'repeated' && Array.isArray(value)) {
      value.forEach((item, index) => walkValue(types, field, item, indexPath(at, index), found));
    } else if (field.cardinality === 'map' && typeof value === 'object') {
      for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
        const entry = keyPath(at, key);
        if (key.includes('\0'))
          found.push(violation(entry, NUL_RULE, `map key: ${NUL_DESCRIPTION}`));
        walkValue(types, field, item, entry, found);
      }
    } else {
      walkValue(types, field, value, at, found);
    }
  }
}

function walkValue(
  types: DescriptorRegistry,
  field: FieldDescriptor,
  value: unknown,
  path: string,
  found: FieldViolation[],
): void {
  if (field.type.kind === 'message') {
    walkMessage(types, descriptorOf(types, field.type.messageType), value, path, found);
  } else if (typeof value === 'string' && value.includes('\0')) {
    found.push(violation(path, NUL_RULE, NUL_DESCRIPTION));
  }
}

/** Any JSON-like value (Struct, Value, ListValue): every string and object key. */
function walkAny(value: unknown, path: string, found: FieldViolation[]): void {
  if (typeof value === 'string') {
    if (value.includes('\0')) found.push(violation(path, NUL_RULE, NUL_DESCRIPTION));
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => walkAny(item, indexPath(path, index), found));
  } else if (typeof value === 'object' && value !== null && !Buffer.isBuffer(value)) {
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      const at = fieldPath(path, key);
      if (key.includes('\0')) found.push(violation(at, NUL_RULE, `key: ${NUL_DESCRIPTION}`));
      walkAny(item, at, found);
    }
  }
}
