import { CODEC_TEST_TYPES, KITCHEN } from './descriptors.mocks';
import { DescriptorRegistry } from '../descriptor/registry';
import { decodeJson } from './decode';
import { encodeJson } from './encode';

const types = new DescriptorRegistry([CODEC_TEST_TYPES]);

describe('encodeJson', () => {
  it('emits every unpopulated field with proto names, omitting unset optional and oneof members', () => {
    expect(encodeJson(types, KITCHEN, {})).toEqual({
      f_double: 0,
      f_float: 0,
      f_int32: 0,
      f_int64: '0',
      f_uint32: 0,
      f_uint64: '0',
      f_sint32: 0,
      f_sint64: '0',
      f_fixed32: 0,
      f_fixed64: '0',
      f_sfixed32: 0,
      f_sfixed64: '0',
      f_bool: false,
      f_string: '',
      f_bytes: '',
      color: 'COLOR_UNSPECIFIED',
      nested: null,
      ids: [],
      children: [],
      labels: {},
      by_number: {},
      flags: {},
      created_at: null,
      ttl: null,
      max_count: null,
      nickname: null,
      nothing: null,
      colors: [],
    });
  });

  it('writes 64-bit integers as strings, enums by name, bytes as base64, special floats as text', () => {
    const json = encodeJson(types, KITCHEN, {
      f_int64: 12,
      f_uint64: '18446744073709551615',
      f_sint64: -5n,
      f_double: NaN,
      f_float: -Infinity,
      f_bytes: Buffer.from([0xfb, 0xff]),
      color: 2,
      colors: ['RED', 9],
      opt_string: '',
      text: 'chosen',
      choice: 'text',
    }) as Record<string, unknown>;
    expect(json).toMatchObject({
      f_int64: '12',
      f_uint64: '18446744073709551615',
      f_sint64: '-5',
      f_double: 'NaN',
      f_float: '-Infinity',
      f_bytes: '+/8=',
      color: 'GREEN',
      colors: ['RED', 9],
      opt_string: '',
      text: 'chosen',
    });
    expect(json).not.toHaveProperty('choice');
    expect(json).not.toHaveProperty('number');
  });

  it('writes a float as the shortest decimal of its float32 value, a double as is', () => {
    const json = encodeJson(types, KITCHEN, { f_float: Math.fround(0.1), f_double: 0.1 + 0.2 });
    expect(json).toMatchObject({ f_float: 0.1, f_double: 0.30000000000000004 });
    expect(encodeJson(types, KITCHEN, { f_float: 16777217 })).toMatchObject({ f_float: 16777216 });
  });

  it.each([
    [0, '2024-01-02T03:04:05Z'],
    [5000000, '2024-01-02T03:04:05.005Z'],
    [123456000, '2024-01-02T03:04:05.123456Z'],
    [1, '2024-01-02T03:04:05.000000001Z'],
  ])('writes a Timestamp with %d nanos as %s (Go digit groups)', (nanos, expected) => {
    const seconds = String(Date.UTC(2024, 0, 2, 3, 4, 5) / 1000);
    const json = encodeJson(types, KITCHEN, { created_at: { seconds, nanos } }) as Record<
      string,
      unknown
    >;
    expect(json.created_at).toBe(expected);
  });

  it('writes the same date and time as toISOString across the Timestamp range', () => {
    const created = (seconds: number, nanos: number) =>
      (
        encodeJson(types, KITCHEN, { created_at: { seconds: String(seconds), nanos } }) as {
          created_at: string;
        }
      ).created_at;
    const edges = [
      -62135596800, // 0001-01-01
      -62135596800 + 59 * 86400, // 0001-03-01
      -2208988800, // 1900-01-01, not a leap year
      -1,
      0,
      951782400, // 2000-02-29
      951868799, // 2000-02-29T23:59:59
      4107542399, // 2100-02-28T23:59:59, 2100 not a leap year
      253402300799,
    ];
    // A fixed stride through the whole range, so that every month and leap rule is visited.
    const stride = Array.from({ length: 20000 }, (_, index) => -62135596800 + index * 15778463);
    for (const seconds of [...edges, ...stride]) {
      if (seconds > 253402300799) continue;
      expect(created(seconds, 0)).toBe(new Date(seconds * 1000).toISOString().replace('.000', ''));
      expect(created(seconds, 250000000)).toBe(new Date(seconds * 1000 + 250).toISOString());
    }
  });

  it('writes the Timestamp range edges and durations', () => {
    const first = encodeJson(types, KITCHEN, { created_at: { seconds: '-62135596800', nanos: 0 } });
    expect(first).toMatchObject({ created_at: '0001-01-01T00:00:00Z' });
    const last = encodeJson(types, KITCHEN, {
      created_at: { seconds: '253402300799', nanos: 999999999 },
    });
    expect(last).toMatchObject({ created_at: '9999-12-31T23:59:59.999999999Z' });
    expect(encodeJson(types, KITCHEN, { ttl: { seconds: '3', nanos: 0 } })).toMatchObject({
      ttl: '3s',
    });
    expect(encodeJson(types, KITCHEN, { ttl: { seconds: '0', nanos: -500000000 } })).toMatchObject({
      ttl: '-0.500s',
    });
    expect(
      encodeJson(types, KITCHEN, { max_count: { value: '7' }, nickname: { value: 'n' } }),
    ).toMatchObject({
      max_count: '7',
      nickname: 'n',
    });
  });

  it('writes nested messages, repeated messages and maps', () => {
    const json = encodeJson(types, KITCHEN, {
      nested: { name: 'a', child: { name: 'b' } },
      children: [{ name: 'c' }],
      by_number: { '1': { name: 'd' } },
      labels: { k: 'v' },
    });
    expect(json).toMatchObject({
      nested: { name: 'a', child: { name: 'b', child: null } },
      children: [{ name: 'c', child: null }],
      by_number: { '1': { name: 'd', child: null } },
      labels: { k: 'v' },
    });
  });

  it('round-trips through decodeJson', () => {
    const original = {
      f_double: 2.5,
      f_int64: '-9223372036854775808',
      f_uint64: '18446744073709551615',
      f_bool: true,
      f_string: 'héllo 😀 \u0000',
      f_bytes: 'AAEC/w==',
      opt_string: 'x',
      color: 'RED',
      nested: { name: 'n', child: null },
      ids: ['1', '-2'],
      children: [{ name: 'c', child: null }],
      labels: { a: 'b' },
      by_number: { '-1': { name: 'm', child: null } },
      flags: { false: '3' },
      created_at: '2024-02-29T23:59:59.100Z',
      ttl: '1.000000001s',
      max_count: '5',
      nickname: '',
      nothing: {},
      number: 4,
      colors: ['GREEN'],
    };
    const encoded = encodeJson(types, KITCHEN, decodeJson(types, KITCHEN, original));
    expect(encoded).toMatchObject(original);
    expect(decodeJson(types, KITCHEN, encoded)).toEqual(decodeJson(types, KITCHEN, original));
  });

  it.each<[string, Record<string, unknown>, string]>([
    [
      'a number for a string',
      { f_string: 5 },
      'cannot encode f_string: expected a string, got number',
    ],
    [
      'a fraction for an int64',
      { f_int64: 1.5 },
      'cannot encode f_int64: expected an integer (int64)',
    ],
    ['an unknown enum name', { color: 'BLUE' }, 'cannot encode color'],
    ['a string for bytes', { f_bytes: 'x' }, 'expected a Buffer'],
    ['a non-array repeated', { ids: '1' }, 'cannot encode ids: expected an array'],
    ['a Date for a Timestamp', { created_at: new Date(0) }, 'cannot encode created_at'],
    [
      'a Timestamp past 9999',
      { created_at: { seconds: '253402300800', nanos: 0 } },
      'out of range',
    ],
    ['an unnormalised Duration', { ttl: { seconds: '1', nanos: -1 } }, 'not normalised'],
    ['a bad element', { children: [5] }, 'cannot encode children[0]'],
  ])('throws a server error for %s', (_title, message, reason) => {
    expect(() => encodeJson(types, KITCHEN, message)).toThrow(reason);
  });
});
