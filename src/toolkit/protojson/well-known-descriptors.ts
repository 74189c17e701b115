import type { DescriptorRegistry } from '../descriptor/registry';
import { fieldDescriptor, messageType, scalarType } from '../descriptor/field-builders';
import { MessageDescriptor, ScalarType } from '../descriptor/types';

/**
 * Field descriptors of the well-known types, which the generator leaves to the runtime (it emits
 * nothing for google/protobuf files). The binary codec needs them to pack a Timestamp, Struct...
 * into a google.protobuf.Any; every other type comes from the app's registry.
 */

const scalar = scalarType;
const message = messageType;
const field = fieldDescriptor;

const SECONDS_NANOS = [field('seconds', 1, scalar('int64')), field('nanos', 2, scalar('int32'))];
const VALUE_KIND = { oneof: 'kind' };

const WRAPPED: readonly [string, ScalarType][] = [
  ['DoubleValue', 'double'],
  ['FloatValue', 'float'],
  ['Int64Value', 'int64'],
  ['UInt64Value', 'uint64'],
  ['Int32Value', 'int32'],
  ['UInt32Value', 'uint32'],
  ['BoolValue', 'bool'],
  ['StringValue', 'string'],
  ['BytesValue', 'bytes'],
];

const DESCRIPTORS: ReadonlyMap<string, MessageDescriptor> = new Map(
  [
    {
      fullName: 'google.protobuf.Any',
      fields: [field('type_url', 1, scalar('string')), field('value', 2, scalar('bytes'))],
    },
    { fullName: 'google.protobuf.Timestamp', fields: SECONDS_NANOS },
    { fullName: 'google.protobuf.Duration', fields: SECONDS_NANOS },
    { fullName: 'google.protobuf.Empty', fields: [] },
    {
      fullName: 'google.protobuf.FieldMask',
      fields: [field('paths', 1, scalar('string'), { cardinality: 'repeated' })],
    },
    {
      fullName: 'google.protobuf.Struct',
      fields: [
        field('fields', 1, message('google.protobuf.Value'), {
          cardinality: 'map',
          mapKey: 'string',
        }),
      ],
    },
    {
      fullName: 'google.protobuf.Value',
      fields: [
        field('null_value', 1, { kind: 'enum', enumType: 'google.protobuf.NullValue' }, VALUE_KIND),
        field('number_value', 2, scalar('double'), VALUE_KIND),
        field('string_value', 3, scalar('string'), VALUE_KIND),
        field('bool_value', 4, scalar('bool'), VALUE_KIND),
        field('struct_value', 5, message('google.protobuf.Struct'), VALUE_KIND),
        field('list_value', 6, message('google.protobuf.ListValue'), VALUE_KIND),
      ],
    },
    {
      fullName: 'google.protobuf.ListValue',
      fields: [field('values', 1, message('google.protobuf.Value'), { cardinality: 'repeated' })],
    },
    ...WRAPPED.map(([name, type]) => ({
      fullName: `google.protobuf.${name}`,
      fields: [field('value', 1, scalar(type))],
    })),
  ].map((descriptor) => [descriptor.fullName, descriptor]),
);

/** The descriptor of a well-known type, or of a generated one from the app's registry. @internal */
export function messageDescriptorOf(
  types: DescriptorRegistry,
  fullName: string,
): MessageDescriptor {
  return DESCRIPTORS.get(fullName) ?? types.message(fullName);
}

/** Whether the descriptor of `fullName` can be found (an Any may name a type nobody registered). @internal */
export function isKnownMessage(types: DescriptorRegistry, fullName: string): boolean {
  return DESCRIPTORS.has(fullName) || types.hasMessage(fullName);
}
