import { defineDescriptorSet } from '../descriptor/descriptor-set';
import { fieldDescriptor, messageType, scalarType } from '../descriptor/field-builders';
import { ScalarType } from '../descriptor/types';

/** Test-only descriptors covering every field shape the codec handles. */

const scalar = scalarType;
const message = messageType;
const field = fieldDescriptor;

export const KITCHEN = 'codec_test.Kitchen';
export const NESTED = 'codec_test.Nested';
export const COLOR = 'codec_test.Color';
export const REQUEST = 'codec_test.UpdateRequest';
export const DYNAMIC = 'codec_test.Dynamic';

const SCALARS: readonly ScalarType[] = [
  'double',
  'float',
  'int32',
  'int64',
  'uint32',
  'uint64',
  'sint32',
  'sint64',
  'fixed32',
  'fixed64',
  'sfixed32',
  'sfixed64',
  'bool',
  'string',
  'bytes',
];

/** The codec tests' types; each spec builds its own registry of them. */
export const CODEC_TEST_TYPES = defineDescriptorSet({
  file: 'codec_test.proto',
  messages: [
    {
      fullName: KITCHEN,
      fields: [
        ...SCALARS.map((kind, index) => field(`f_${kind}`, index + 1, scalar(kind))),
        field('opt_string', 20, scalar('string'), { optional: true }),
        field('color', 21, { kind: 'enum', enumType: COLOR }),
        field('nested', 22, message(NESTED)),
        field('ids', 23, scalar('int64'), { cardinality: 'repeated' }),
        field('children', 24, message(NESTED), { cardinality: 'repeated' }),
        field('labels', 25, scalar('string'), { cardinality: 'map', mapKey: 'string' }),
        field('by_number', 26, message(NESTED), { cardinality: 'map', mapKey: 'int32' }),
        field('flags', 27, scalar('int64'), { cardinality: 'map', mapKey: 'bool' }),
        field('created_at', 28, message('google.protobuf.Timestamp')),
        field('ttl', 29, message('google.protobuf.Duration')),
        field('max_count', 30, message('google.protobuf.Int64Value')),
        field('nickname', 31, message('google.protobuf.StringValue')),
        field('nothing', 32, message('google.protobuf.Empty')),
        field('text', 33, scalar('string'), { oneof: 'choice' }),
        field('number', 34, scalar('int32'), { oneof: 'choice' }),
        field('colors', 35, { kind: 'enum', enumType: COLOR }, { cardinality: 'repeated' }),
      ],
    },
    {
      fullName: NESTED,
      fields: [field('name', 1, scalar('string')), field('child', 2, message(NESTED))],
    },
    {
      fullName: DYNAMIC,
      fields: [
        field('attributes', 1, message('google.protobuf.Struct')),
        field('extra', 2, message('google.protobuf.Value')),
        field('items', 3, message('google.protobuf.ListValue')),
        field('mask', 4, message('google.protobuf.FieldMask')),
        field('detail', 5, message('google.protobuf.Any')),
        field('nothing', 6, { kind: 'enum', enumType: 'google.protobuf.NullValue' }),
        field('values', 7, message('google.protobuf.Value'), { cardinality: 'repeated' }),
        field('counts', 8, scalar('int32'), { cardinality: 'repeated', unpacked: true }),
      ],
    },
    {
      fullName: REQUEST,
      fields: [
        field('user_id', 1, scalar('string')),
        field('limit', 2, scalar('int32')),
        field('tags', 3, scalar('string'), { cardinality: 'repeated' }),
        field('nested', 4, message(NESTED)),
        field('color', 5, { kind: 'enum', enumType: COLOR }),
        field('since', 6, message('google.protobuf.Timestamp')),
        field('labels', 7, scalar('string'), { cardinality: 'map', mapKey: 'string' }),
        field('search', 8, scalar('string'), { optional: true }),
        field('active', 9, message('google.protobuf.BoolValue')),
        field('total', 10, scalar('uint64')),
      ],
    },
  ],
  enums: [
    {
      fullName: COLOR,
      values: [
        { name: 'COLOR_UNSPECIFIED', number: 0 },
        { name: 'RED', number: 1 },
        { name: 'GREEN', number: 2 },
      ],
    },
  ],
  dependencies: [],
});
