import { decodeJson, encodeJson } from './index';
import { CODEC_TEST_TYPES, DYNAMIC, KITCHEN, NESTED } from './descriptors.mocks';
import { DescriptorRegistry } from '../descriptor/registry';

const types = new DescriptorRegistry([CODEC_TEST_TYPES]);

describe('Struct, Value, ListValue, NullValue, FieldMask and Any in protojson', () => {
  const json = {
    attributes: { plan: 'pro', seats: 3, tags: ['a', null], owner: { admin: true } },
    extra: null,
    items: [1, 'two'],
    mask: 'name,child.name,fooBar',
    nothing: null,
    values: [null, false],
  };

  it('reads them in the loader shape and writes them back as the same JSON', () => {
    const decoded = decodeJson(types, DYNAMIC, json);
    expect(decoded.attributes).toEqual({
      fields: {
        plan: { string_value: 'pro', kind: 'string_value' },
        seats: { number_value: 3, kind: 'number_value' },
        tags: {
          list_value: {
            values: [
              { string_value: 'a', kind: 'string_value' },
              { null_value: 'NULL_VALUE', kind: 'null_value' },
            ],
          },
          kind: 'list_value',
        },
        owner: {
          struct_value: { fields: { admin: { bool_value: true, kind: 'bool_value' } } },
          kind: 'struct_value',
        },
      },
    });
    // null is a value for a Value field, not "unset".
    expect(decoded.extra).toEqual({ null_value: 'NULL_VALUE', kind: 'null_value' });
    expect(decoded.mask).toEqual({ paths: ['name', 'child.name', 'foo_bar'] });
    expect(decoded.nothing).toBe('NULL_VALUE');
    const encoded = encodeJson(types, DYNAMIC, decoded) as Record<string, unknown>;
    expect(encoded).toMatchObject({ ...json, detail: null, counts: [] });
  });

  it('refuses a field mask path that is not lowerCamelCase, naming the field', () => {
    expect(() => decodeJson(types, DYNAMIC, { mask: 'foo_bar' })).toThrow(
      expect.objectContaining({ field: 'mask' }),
    );
    expect(() => encodeJson(types, DYNAMIC, { mask: { paths: ['fooBar'] } })).toThrow(/lowerCamel/);
  });

  it('packs an Any as protobuf binary and writes it back with its @type', () => {
    const url = `type.googleapis.com/${NESTED}`;
    const decoded = decodeJson(types, DYNAMIC, {
      detail: { '@type': url, name: 'ann', child: { name: 'bo' } },
    });
    const detail = decoded.detail as { type_url: string; value: Buffer };
    expect(detail.type_url).toBe(url);
    // field 1 "ann", field 2 { field 1 "bo" }
    expect(detail.value.toString('hex')).toBe('0a03616e6e1204' + '0a02626f');
    expect(encodeJson(types, DYNAMIC, decoded, { emitUnpopulated: false })).toEqual({
      detail: { '@type': url, name: 'ann', child: { name: 'bo' } },
    });
  });

  it('puts well-known types of an Any under "value"', () => {
    const url = 'type.googleapis.com/google.protobuf.Duration';
    const decoded = decodeJson(types, DYNAMIC, { detail: { '@type': url, value: '1.5s' } });
    expect(encodeJson(types, DYNAMIC, decoded, { emitUnpopulated: false })).toEqual({
      detail: { '@type': url, value: '1.500s' },
    });
  });

  it('refuses an Any of a type nobody registered, or without a type URL', () => {
    expect(() => decodeJson(types, DYNAMIC, { detail: { '@type': 'x/no.Such', a: 1 } })).toThrow(
      expect.objectContaining({ field: 'detail.@type' }),
    );
    expect(() => decodeJson(types, DYNAMIC, { detail: { name: 'ann' } })).toThrow(
      expect.objectContaining({ field: 'detail.@type' }),
    );
  });

  it('writes jsonNames and leaves defaults out when asked (protojson defaults)', () => {
    const decoded = decodeJson(types, KITCHEN, { f_int32: 5, opt_string: '' });
    expect(
      encodeJson(types, KITCHEN, decoded, { useProtoNames: false, emitUnpopulated: false }),
    ).toEqual({
      fInt32: 5,
      optString: '',
    });
  });

  it('skips unknown enum names only when asked to', () => {
    expect(() => decodeJson(types, KITCHEN, { color: 'BLUE' })).toThrow(/BLUE/);
    const lenient = decodeJson(
      types,
      KITCHEN,
      { color: 'BLUE', colors: ['RED', 'BLUE'] },
      {
        ignoreUnknownEnumNames: true,
      },
    );
    expect([lenient.color, lenient.colors]).toEqual(['COLOR_UNSPECIFIED', ['RED']]);
  });

  it('refuses a string with an unpaired surrogate (it has no UTF-8 form)', () => {
    expect(() => decodeJson(types, KITCHEN, { f_string: 'a\ud800' })).toThrow(
      expect.objectContaining({ field: 'f_string' }),
    );
    expect(decodeJson(types, KITCHEN, { f_string: '\ud83d\ude00' }).f_string).toBe('😀');
  });
});
