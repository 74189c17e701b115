import { CODEC_TEST_TYPES, COLOR, KITCHEN, NESTED } from './descriptors.mocks';
import { DescriptorRegistry } from '../descriptor/registry';
import { decodeJson, MAX_DEPTH } from './decode';
import { ProtoJsonError } from './protojson-error';

const types = new DescriptorRegistry([CODEC_TEST_TYPES]);

function errorOf(run: () => unknown): ProtoJsonError {
  try {
    run();
  } catch (error) {
    if (error instanceof ProtoJsonError) return error;
    throw error;
  }
  throw new Error('expected a ProtoJsonError');
}

describe('decodeJson', () => {
  it('fills every missing field with the loader default', () => {
    expect(decodeJson(types, KITCHEN, {})).toEqual({
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
      f_bytes: Buffer.alloc(0),
      opt_string: undefined,
      color: 'COLOR_UNSPECIFIED',
      nested: undefined,
      ids: [],
      children: [],
      labels: {},
      by_number: {},
      flags: {},
      created_at: undefined,
      ttl: undefined,
      max_count: undefined,
      nickname: undefined,
      nothing: undefined,
      text: undefined,
      number: undefined,
      colors: [],
    });
  });

  it('reads every type from proto names and json names', () => {
    const decoded = decodeJson(types, KITCHEN, {
      f_double: 1.5,
      fFloat: 'Infinity',
      f_int32: -7,
      fInt64: '-9223372036854775808',
      f_uint32: '4294967295',
      f_uint64: 18446744073709551615n.toString(),
      f_sint32: '1e2',
      f_sint64: 42,
      f_fixed32: 3,
      f_fixed64: '7',
      f_sfixed32: -1,
      f_sfixed64: '-1',
      f_bool: true,
      f_string: 'héllo 😀',
      f_bytes: 'aGk=',
      optString: '',
      color: 'GREEN',
      nested: { name: 'a', child: { name: 'b' } },
      ids: ['1', 2],
      children: [{ name: 'c' }],
      labels: { k: 'v' },
      byNumber: { '-3': { name: 'd' } },
      flags: { true: '5' },
      createdAt: '2024-02-29T12:30:45.123456789+01:30',
      ttl: '-1.5s',
      maxCount: '12',
      nickname: 'nick',
      nothing: {},
      number: 9,
      colors: [1, 'GREEN'],
    });
    expect(decoded).toMatchObject({
      f_double: 1.5,
      f_float: Infinity,
      f_int32: -7,
      f_int64: '-9223372036854775808',
      f_uint32: 4294967295,
      f_uint64: '18446744073709551615',
      f_sint32: 100,
      f_sint64: '42',
      f_fixed32: 3,
      f_fixed64: '7',
      f_sfixed32: -1,
      f_sfixed64: '-1',
      f_bool: true,
      f_string: 'héllo 😀',
      f_bytes: Buffer.from('hi'),
      opt_string: '',
      color: 'GREEN',
      nested: { name: 'a', child: { name: 'b', child: undefined } },
      ids: ['1', '2'],
      children: [{ name: 'c', child: undefined }],
      labels: { k: 'v' },
      by_number: { '-3': { name: 'd', child: undefined } },
      flags: { true: '5' },
      created_at: { seconds: String(Date.UTC(2024, 1, 29, 11, 0, 45) / 1000), nanos: 123456789 },
      ttl: { seconds: '-1', nanos: -500000000 },
      max_count: { value: '12' },
      nickname: { value: 'nick' },
      nothing: {},
      number: 9,
      choice: 'number',
      text: undefined,
      colors: ['RED', 'GREEN'],
    });
  });

  it('reads null as the default and ignores unknown fields', () => {
    const decoded = decodeJson(types, KITCHEN, {
      f_string: null,
      nested: null,
      unknown_field: { x: 1 },
      color: null,
    });
    expect(decoded.f_string).toBe('');
    expect(decoded.nested).toBeUndefined();
    expect(decoded.color).toBe('COLOR_UNSPECIFIED');
    expect(decoded).not.toHaveProperty('unknown_field');
  });

  it('refuses unknown fields when asked to, naming the field', () => {
    expect(() =>
      decodeJson(types, KITCHEN, { unknown_field: 1 }, { ignoreUnknownFields: false }),
    ).toThrow(expect.objectContaining({ field: 'unknown_field' }));
    expect(
      decodeJson(types, KITCHEN, { f_string: 'a' }, { ignoreUnknownFields: false }).f_string,
    ).toBe('a');
  });

  it('keeps an enum number this build does not know (proto3 enums are open)', () => {
    expect(decodeJson(types, KITCHEN, { color: 7 }).color).toBe(7);
  });

  it('accepts URL-safe and unpadded base64, NaN and -Infinity floats, integral floats for ints', () => {
    const decoded = decodeJson(types, KITCHEN, {
      f_bytes: '-_8',
      f_double: 'NaN',
      f_float: '-Infinity',
      f_int32: 3.0,
    });
    expect(decoded.f_bytes).toEqual(Buffer.from([0xfb, 0xff]));
    expect(decoded.f_double).toBeNaN();
    expect(decoded.f_float).toBe(-Infinity);
    expect(decoded.f_int32).toBe(3);
  });

  it('keeps a __proto__ map key as data', () => {
    const decoded = decodeJson(types, KITCHEN, JSON.parse('{"labels":{"__proto__":"x"}}'));
    const labels = decoded.labels as Record<string, unknown>;
    expect(Object.getPrototypeOf(labels)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(labels, '__proto__')?.value).toBe('x');
  });

  it.each<[string, unknown, string, string]>([
    ['body is an array', [], '', 'expected an object'],
    ['body is null', null, '', 'expected an object'],
    ['string as number', { f_string: 5 }, 'f_string', 'expected a string, got number'],
    ['bool as string', { f_bool: 'true' }, 'f_bool', 'expected true or false, got string'],
    ['bool as number', { f_bool: 1 }, 'f_bool', 'expected true or false'],
    ['int32 fraction', { f_int32: 1.5 }, 'f_int32', 'expected an integer (int32)'],
    ['int32 non-numeric', { f_int32: 'abc' }, 'f_int32', 'expected an integer (int32), got "abc"'],
    ['int32 padded string', { f_int32: ' 1' }, 'f_int32', 'expected an integer'],
    ['int32 overflow', { f_int32: 2147483648 }, 'f_int32', 'out of range for int32'],
    ['int32 as bool', { f_int32: true }, 'f_int32', 'got boolean'],
    ['uint32 negative', { f_uint32: -1 }, 'f_uint32', 'out of range for uint32'],
    ['int64 overflow', { f_int64: '9223372036854775808' }, 'f_int64', 'out of range for int64'],
    ['uint64 negative', { f_uint64: '-1' }, 'f_uint64', 'out of range for uint64'],
    ['int64 huge exponent', { f_int64: '1e999999999' }, 'f_int64', 'out of range for int64'],
    ['int64 hex', { f_int64: '0x10' }, 'f_int64', 'expected an integer'],
    ['float overflow', { f_float: 1e39 }, 'f_float', 'out of range for float'],
    ['double text', { f_double: 'one' }, 'f_double', 'expected a number (double)'],
    ['double as object', { f_double: {} }, 'f_double', 'got object'],
    ['bad base64', { f_bytes: 'a' }, 'f_bytes', 'expected base64'],
    ['mixed base64 alphabets', { f_bytes: 'a+-b' }, 'f_bytes', 'expected base64'],
    ['unknown enum name', { color: 'BLUE' }, 'color', `unknown ${COLOR} value "BLUE"`],
    ['enum number beyond int32', { color: 2 ** 31 }, 'color', 'unknown'],
    ['enum as bool', { color: true }, 'color', 'expected an enum name or number'],
    ['repeated not array', { ids: '1' }, 'ids', 'expected an array, got string'],
    ['repeated element', { ids: ['1', 'x'] }, 'ids[1]', 'expected an integer (int64)'],
    ['repeated null element', { children: [null] }, 'children[0]', 'null is not allowed'],
    ['map not object', { labels: ['a'] }, 'labels', 'expected an object (map), got array'],
    ['map value type', { labels: { k: 1 } }, 'labels["k"]', 'expected a string'],
    ['map int key', { by_number: { x: {} } }, 'by_number["x"]', 'expected an integer map key'],
    ['map bool key', { flags: { yes: '1' } }, 'flags["yes"]', 'expected a bool map key'],
    ['nested type', { nested: 'a' }, 'nested', `expected an object (${NESTED}), got string`],
    ['nested field', { nested: { child: { name: 3 } } }, 'nested.child.name', 'expected a string'],
    ['timestamp format', { created_at: '2024-01-01 00:00:00' }, 'created_at', 'RFC 3339'],
    ['timestamp day', { created_at: '2023-02-29T00:00:00Z' }, 'created_at', 'RFC 3339'],
    ['timestamp hour', { created_at: '2023-01-01T24:00:00Z' }, 'created_at', 'RFC 3339'],
    ['timestamp range', { created_at: '0000-12-31T23:59:59Z' }, 'created_at', 'outside'],
    [
      'timestamp number',
      { created_at: 0 },
      'created_at',
      'expected an RFC 3339 timestamp, got number',
    ],
    ['duration unit', { ttl: '1m' }, 'ttl', 'expected a duration'],
    ['duration range', { ttl: '315576000001s' }, 'ttl', 'outside'],
    ['wrapper type', { max_count: 'x' }, 'max_count', 'expected an integer (int64)'],
    ['empty not object', { nothing: 1 }, 'nothing', 'expected an object'],
    ['two oneof members', { text: 'a', number: 1 }, 'number', 'oneof choice already has text set'],
    ['name and json name', { opt_string: 'a', optString: 'b' }, 'opt_string', 'set twice'],
  ])('rejects %s with the field path', (_title, json, field, reason) => {
    const error = errorOf(() => decodeJson(types, KITCHEN, json));
    expect(error.field).toBe(field);
    expect(error.reason).toContain(reason);
    expect(error.message).toContain(reason);
  });

  it(`refuses nesting deeper than ${MAX_DEPTH} levels without exhausting the stack`, () => {
    let deep: Record<string, unknown> = { name: 'leaf' };
    for (let level = 0; level < 10000; level++) deep = { child: deep };
    const error = errorOf(() => decodeJson(types, NESTED, deep));
    expect(error.reason).toContain('nesting deeper');
    let fine: Record<string, unknown> = { name: 'leaf' };
    for (let level = 0; level < MAX_DEPTH - 1; level++) fine = { child: fine };
    expect(() => decodeJson(types, NESTED, fine)).not.toThrow();
  });

  it('fails loudly for a type the registry does not know', () => {
    expect(() => decodeJson(types, 'codec_test.Missing', {})).toThrow(
      'message type codec_test.Missing is not known to this app',
    );
  });
});
