import { FieldDescriptor, ScalarType, ValueType } from './types';

/**
 * Builders for descriptors written by hand: the well-known types, which the generator leaves to
 * the runtime, and test descriptors. Generated code never uses them (it emits literals).
 */

/** A scalar field type. */
export const scalarType = (scalar: ScalarType): ValueType => ({ kind: 'scalar', scalar });

/** A message field type. */
export const messageType = (fullName: string): ValueType => ({
  kind: 'message',
  messageType: fullName,
});

/** protoc's JSON name: each `_` dropped and the character after it upper-cased (`field_1` → `field1`). */
export function jsonNameOf(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_match, next: string) => next.toUpperCase());
}

/** A singular, non-optional field unless `extra` says otherwise. */
export function fieldDescriptor(
  name: string,
  number: number,
  type: ValueType,
  extra: Partial<FieldDescriptor> = {},
): FieldDescriptor {
  return {
    name,
    jsonName: jsonNameOf(name),
    number,
    cardinality: 'singular',
    type,
    optional: false,
    ...extra,
  };
}
