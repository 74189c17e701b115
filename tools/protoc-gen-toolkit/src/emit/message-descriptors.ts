import { ScalarType } from '@bufbuild/protobuf';
import type { DescEnum, DescField, DescMessage } from '@bufbuild/protobuf';
import { Code, Literal } from '../code/literal';

/** `ScalarType.STRING` → `'string'`, the spelling of src/toolkit/descriptor ScalarType. */
export function scalarName(scalar: ScalarType): string {
  return ScalarType[scalar].toLowerCase();
}

function valueType(field: DescField): Literal {
  switch (field.fieldKind) {
    case 'scalar':
      return { kind: 'scalar', scalar: scalarName(field.scalar) };
    case 'enum':
      return { kind: 'enum', enumType: field.enum.typeName };
    case 'message':
      return { kind: 'message', messageType: field.message.typeName };
    case 'list':
      if (field.listKind === 'scalar') return { kind: 'scalar', scalar: scalarName(field.scalar) };
      return field.listKind === 'enum'
        ? { kind: 'enum', enumType: field.enum.typeName }
        : { kind: 'message', messageType: field.message.typeName };
    case 'map':
      if (field.mapKind === 'scalar') return { kind: 'scalar', scalar: scalarName(field.scalar) };
      return field.mapKind === 'enum'
        ? { kind: 'enum', enumType: field.enum.typeName }
        : { kind: 'message', messageType: field.message.typeName };
  }
}

/** Repeated numbers, bools and enums have a packed encoding; strings, bytes and messages do not. */
function isPackable(field: DescField): boolean {
  if (field.fieldKind !== 'list') return false;
  if (field.listKind === 'enum') return true;
  return (
    field.listKind === 'scalar' &&
    field.scalar !== ScalarType.STRING &&
    field.scalar !== ScalarType.BYTES
  );
}

/** A MessageDescriptor literal; `validator` names the generated validate function, if any. */
export function messageDescriptorLiteral(
  message: DescMessage,
  validator: string | undefined,
): Literal {
  return {
    fullName: message.typeName,
    fields: message.fields.map((field) => ({
      name: field.name,
      jsonName: field.jsonName,
      number: field.number,
      cardinality:
        field.fieldKind === 'list' ? 'repeated' : field.fieldKind === 'map' ? 'map' : 'singular',
      type: valueType(field),
      mapKey: field.fieldKind === 'map' ? scalarName(field.mapKey) : undefined,
      optional: field.proto.proto3Optional === true,
      oneof: field.oneof?.name,
      // Only the exception is written: proto3 packs repeated numbers unless told otherwise.
      unpacked:
        field.fieldKind === 'list' &&
        field.listKind !== 'message' &&
        isPackable(field) &&
        !field.packed
          ? true
          : undefined,
    })),
    validate: validator === undefined ? undefined : new Code(validator),
  };
}

/** An EnumDescriptor literal. */
export function enumDescriptorLiteral(enumDesc: DescEnum): Literal {
  return {
    fullName: enumDesc.typeName,
    values: enumDesc.values.map((value) => ({ name: value.name, number: value.number })),
  };
}

/** Every enum of a file, nested ones included. */
export function allEnums(enums: readonly DescEnum[], messages: readonly DescMessage[]): DescEnum[] {
  return [
    ...enums,
    ...messages.flatMap((message) => allEnums(message.nestedEnums, message.nestedMessages)),
  ];
}
