import { decodeBinary, encodeBinary } from './binary';
import { decodeJson } from './decode';
import { CODEC_TEST_TYPES, DYNAMIC, KITCHEN, NESTED } from './descriptors.mocks';
import { DescriptorRegistry } from '../descriptor/registry';

const types = new DescriptorRegistry([CODEC_TEST_TYPES]);

describe('protobuf binary for loader-shaped messages', () => {
  it('round-trips every scalar, enum, repeated, map and nested shape', () => {
    const message = decodeJson(types, KITCHEN, {
      f_double: 1.5,
      f_float: 0.25,
      f_int32: -3,
      f_int64: '-9007199254740993',
      f_uint64: '18446744073709551615',
      f_sint32: -7,
      f_sint64: '-5',
      f_fixed64: '42',
      f_sfixed32: -1,
      f_bool: true,
      f_string: 'héllo',
      f_bytes: 'AP8=',
      color: 'GREEN',
      nested: { name: 'a', child: { name: 'b' } },
      ids: ['1', '-2'],
      labels: { k: 'v' },
      by_number: { '7': { name: 'seven' } },
      flags: { true: '1' },
      created_at: '2024-01-02T03:04:05.5Z',
      number: 4,
      colors: ['RED', 'GREEN'],
    });
    expect(decodeBinary(types, KITCHEN, encodeBinary(types, KITCHEN, message))).toEqual(message);
  });

  it('keeps unknown fields through a read and a write', () => {
    // field 1 "x", then unknown field 99 varint 1
    const bytes = Buffer.from('0a0178' + '980601', 'hex');
    const message = decodeBinary(types, NESTED, bytes);
    expect(message.name).toBe('x');
    expect(Object.keys(message)).toEqual(['name', 'child']);
    expect(Buffer.from(encodeBinary(types, NESTED, message)).toString('hex')).toBe(
      bytes.toString('hex'),
    );
  });

  it('merges a message seen twice and lets the last oneof member win', () => {
    // nested (22) {name "a"}, then nested {child {name "b"}}
    const twice = Buffer.from('b201030a0161' + 'b20105120' + '30a0162', 'hex');
    expect(decodeBinary(types, KITCHEN, twice).nested).toEqual({
      name: 'a',
      child: { name: 'b', child: undefined },
    });
    // text (33) "t", then number (34) 2
    const oneof = decodeBinary(types, KITCHEN, Buffer.from('8a020174' + '900202', 'hex'));
    expect([oneof.text, oneof.number, oneof.choice]).toEqual([undefined, 2, 'number']);
  });

  it('writes repeated numbers packed unless the field says unpacked', () => {
    expect(Buffer.from(encodeBinary(types, KITCHEN, { ids: ['1', '2'] })).toString('hex')).toBe(
      'ba01020102',
    );
    expect(Buffer.from(encodeBinary(types, DYNAMIC, { counts: [1, 2] })).toString('hex')).toBe(
      '40014002',
    );
  });

  it('refuses truncated input', () => {
    expect(() => decodeBinary(types, NESTED, Buffer.from('0a05ab', 'hex'))).toThrow();
  });
});
