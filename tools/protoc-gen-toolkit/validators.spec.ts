import { EverythingTypes } from './__golden__/everything.toolkit';
import { DescriptorRegistry } from '../../src/toolkit/descriptor';
import type { FieldViolation } from '../../src/toolkit/descriptor';

/** everything.proto's types with those of everything_rules.proto, which it imports. */
const types = new DescriptorRegistry([EverythingTypes]);
const getMessageDescriptor = (fullName: string) => types.message(fullName);

/** Boundaries of every supported rule, run against the committed golden validators. */
function validate(type: string, message: Record<string, unknown>): FieldViolation[] {
  const validator = getMessageDescriptor(`everything.${type}`).validate;
  if (!validator) throw new Error(`everything.${type} has no validator`);
  return validator(message);
}

/** Rule ids reported for one field of a message that is otherwise valid. */
function rulesFor(
  type: string,
  valid: Record<string, unknown>,
  field: string,
  value: unknown,
): string[] {
  return validate(type, { ...valid, [field]: value }).map((violation) => violation.rule);
}

const UUID = '8f14e45f-ceea-4d7a-9e6d-3b5c1a2f0b11';

const VALID_STRINGS = {
  const_val: 'abc',
  len_val: 'a😀c',
  min_max: 'ab',
  len_bytes: 'aé!',
  min_max_bytes: 'ab',
  pattern: 'abc1',
  affixes: 'pre-mid-post',
  in_list: 'a',
  not_in_list: 'y',
  email: 'user@example.com',
  hostname: 'example.com',
  ip: '::1',
  ipv4: '10.0.0.1',
  ipv6: '::1',
  uri: 'https://example.com/a?b=c',
  uri_ref: '/relative/path',
  address: '10.0.0.1',
  uuid: UUID,
  optional_uuid: '',
};

const VALID_BYTES = {
  exact: Buffer.from('ab'),
  range: Buffer.from('a'),
  ignore_empty: Buffer.alloc(0),
  const_bytes: Buffer.from([0x01, 0xff]),
  affixes: Buffer.from([0x99, ...Buffer.from('midz')]),
  listed: Buffer.from('b'),
  unlisted: Buffer.from('y'),
  ascii: Buffer.from('abc'),
  address: Buffer.from([127, 0, 0, 1]),
  address_v4: Buffer.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 0, 0, 1]),
  address_v6: Buffer.from([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]),
};

describe('generated validators (everything_rules.proto)', () => {
  it('accepts a message that satisfies every string rule', () => {
    expect(validate('Strings', VALID_STRINGS)).toEqual([]);
  });

  it.each([
    ['const_val', 'abd', 'string.const'],
    ['len_val', 'ab', 'string.len'],
    ['min_max', 'a', 'string.min_len'],
    ['min_max', 'abcde', 'string.max_len'],
    ['len_bytes', 'aéé', 'string.len_bytes'],
    ['min_max_bytes', 'a', 'string.min_bytes'],
    ['min_max_bytes', 'ééé', 'string.max_bytes'],
    ['pattern', '', 'string.pattern'],
    ['in_list', 'c', 'string.in'],
    ['not_in_list', 'x', 'string.not_in'],
    ['email', 'not-an-email', 'string.email'],
    ['email', '', 'string.email_empty'],
    ['hostname', 'bad_host!', 'string.hostname'],
    ['ip', '300.1.1.1', 'string.ip'],
    ['ipv4', '::1', 'string.ipv4'],
    ['ipv6', '10.0.0.1', 'string.ipv6'],
    ['uri', '/relative', 'string.uri'],
    ['address', 'bad host', 'string.address'],
    ['uuid', 'not-a-uuid', 'string.uuid'],
    ['uuid', '', 'string.uuid_empty'],
    ['optional_uuid', 'nope', 'string.uuid'],
    ['maybe', 'a', 'string.min_len'],
  ])('%s = %j violates %s', (field, value, rule) => {
    expect(rulesFor('Strings', VALID_STRINGS, field, value)).toEqual([rule]);
  });

  it('reports prefix, suffix, contains and not_contains separately', () => {
    expect(rulesFor('Strings', VALID_STRINGS, 'affixes', 'bad')).toEqual([
      'string.prefix',
      'string.suffix',
      'string.contains',
      'string.not_contains',
    ]);
  });

  it('skips an unset optional field but checks one set to ""', () => {
    expect(rulesFor('Strings', VALID_STRINGS, 'maybe', undefined)).toEqual([]);
    expect(rulesFor('Strings', VALID_STRINGS, 'maybe', '')).toEqual(['string.min_len']);
  });

  it('reports the field path and protovalidate-style description', () => {
    expect(validate('Strings', { ...VALID_STRINGS, in_list: 'c' })).toEqual([
      { field: 'in_list', rule: 'string.in', description: 'value must be in list [a, b]' },
    ]);
  });

  const VALID_NUMBERS = {
    int32_const: 5,
    int32_lt: 9,
    int64_gt_lt: '9',
    int64_gt_lt_exclusive: '11',
    uint32_gte_lte: 3,
    uint64_in: '2',
    sint32_not_in: 1,
    sint64_lte: '-1',
    fixed32_gte_lt: 1,
    fixed64_gt_lte: '5',
    sfixed32_ignore_empty: 0,
    sfixed64_gte_lte_exclusive: '100',
    float_gt: 1.5000001,
    double_gte_lt: 0,
    double_in: 1.5,
    bool_const: true,
    int32_gt: 1,
    int32_gte: -1,
  };

  it('accepts a message that satisfies every numeric rule (64-bit values as strings)', () => {
    expect(validate('Numbers', VALID_NUMBERS)).toEqual([]);
  });

  it.each([
    ['int32_const', 4, 'int32.const'],
    ['int32_lt', 10, 'int32.lt'],
    ['int64_gt_lt', '0', 'int64.gt_lt'],
    ['int64_gt_lt', '10', 'int64.gt_lt'],
    ['int64_gt_lt_exclusive', '5', 'int64.gt_lt_exclusive'],
    ['uint32_gte_lte', 4, 'uint32.gte_lte'],
    ['uint64_in', '3', 'uint64.in'],
    ['sint32_not_in', 0, 'sint32.not_in'],
    ['sint64_lte', '0', 'sint64.lte'],
    ['fixed32_gte_lt', 5, 'fixed32.gte_lt'],
    ['fixed64_gt_lte', '1', 'fixed64.gt_lte'],
    ['sfixed32_ignore_empty', 5, 'sfixed32.gt'],
    ['sfixed64_gte_lte_exclusive', '50', 'sfixed64.gte_lte_exclusive'],
    ['float_gt', 1.5, 'float.gt'],
    ['double_gte_lt', 1, 'double.gte_lt'],
    ['double_in', 0.7, 'double.in'],
    ['bool_const', false, 'bool.const'],
    ['int32_gt', 0, 'int32.gt'],
    ['int32_gte', -2, 'int32.gte'],
    ['maybe', 0, 'int32.gt'],
  ])('%s = %j violates %s', (field, value, rule) => {
    expect(rulesFor('Numbers', VALID_NUMBERS, field, value)).toEqual([rule]);
  });

  it('lets NaN pass range rules but not in, as PGV does (every check is "reject if v <op> bound")', () => {
    expect(rulesFor('Numbers', VALID_NUMBERS, 'float_gt', NaN)).toEqual([]);
    expect(rulesFor('Numbers', VALID_NUMBERS, 'double_gte_lt', NaN)).toEqual([]);
    expect(rulesFor('Numbers', VALID_NUMBERS, 'double_in', NaN)).toEqual(['double.in']);
  });

  it('compares 64-bit values beyond 2^53 exactly', () => {
    expect(
      rulesFor('Numbers', VALID_NUMBERS, 'sfixed64_gte_lte_exclusive', '9007199254740993'),
    ).toEqual([]);
    expect(rulesFor('Numbers', VALID_NUMBERS, 'int64_gt_lt', '9007199254740993')).toEqual([
      'int64.gt_lt',
    ]);
  });

  it('checks plain proto3 numbers that are absent as zero', () => {
    const { int32_gt: _omitted, ...withoutGt } = VALID_NUMBERS;
    expect(validate('Numbers', withoutGt).map((violation) => violation.rule)).toEqual(['int32.gt']);
  });

  it('checks enum rules on the string names the loader produces', () => {
    const valid = {
      const_color: 'RED',
      defined: 'GREEN',
      in_colors: 'GREEN',
      not_in_colors: 'RED',
    };
    expect(validate('Enums', valid)).toEqual([]);
    expect(rulesFor('Enums', valid, 'const_color', 'GREEN')).toEqual(['enum.const']);
    expect(rulesFor('Enums', valid, 'defined', 'PURPLE')).toEqual(['enum.defined_only']);
    expect(rulesFor('Enums', valid, 'defined', 7)).toEqual(['enum.defined_only']);
    expect(rulesFor('Enums', valid, 'in_colors', 'COLOR_UNSPECIFIED')).toEqual(['enum.in']);
    expect(rulesFor('Enums', valid, 'not_in_colors', undefined)).toEqual(['enum.not_in']);
  });

  it('checks byte lengths', () => {
    expect(validate('Bytes', VALID_BYTES)).toEqual([]);
    expect(rulesFor('Bytes', VALID_BYTES, 'exact', Buffer.from('abc'))).toEqual(['bytes.len']);
    expect(rulesFor('Bytes', VALID_BYTES, 'range', Buffer.from('abcd'))).toEqual(['bytes.max_len']);
    expect(rulesFor('Bytes', VALID_BYTES, 'ignore_empty', Buffer.from('a'))).toEqual([
      'bytes.min_len',
    ]);
  });

  it('compares bytes operands as bytes and reads ip rules from the raw address', () => {
    const bad = (field: string, value: number[] | string) =>
      rulesFor('Bytes', VALID_BYTES, field, Buffer.from(value as never));
    expect(bad('const_bytes', [0x01, 0xfe])).toEqual(['bytes.const']);
    expect(bad('affixes', [0x98, ...Buffer.from('midz')])).toEqual(['bytes.prefix']);
    expect(bad('affixes', [0x99, ...Buffer.from('miz')])).toEqual(['bytes.contains']);
    expect(bad('affixes', [0x99, ...Buffer.from('mid')])).toEqual(['bytes.suffix']);
    expect(bad('listed', 'c')).toEqual(['bytes.in']);
    expect(bad('unlisted', 'x')).toEqual(['bytes.not_in']);
    expect(bad('ascii', 'ABC')).toEqual(['bytes.pattern']);
    expect(bad('address', [1, 2, 3])).toEqual(['bytes.ip']);
    expect(bad('address_v4', [...Array(16).fill(0)])).toEqual(['bytes.ipv4']);
    expect(bad('address_v6', [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 1, 2, 3, 4])).toEqual([
      'bytes.ipv6',
    ]);
    expect(bad('address_v6', [])).toEqual([]);
  });

  const VALID_COLLECTIONS = {
    tags: ['ab', 'cd'],
    ids: [],
    inners: [{ id: UUID }],
    required_inners: [],
    skipped_inners: [{ id: 'not-checked' }],
    counts: { ab: 1 },
    by_id: { '1': { id: UUID } },
    ignore_empty_map: {},
    colors: ['RED'],
  };

  it('checks repeated and map rules with item, key and value paths', () => {
    expect(validate('Collections', VALID_COLLECTIONS)).toEqual([]);
    expect(rulesFor('Collections', VALID_COLLECTIONS, 'tags', [])).toEqual(['repeated.min_items']);
    expect(rulesFor('Collections', VALID_COLLECTIONS, 'tags', ['ab', 'ab'])).toEqual([
      'repeated.unique',
    ]);
    expect(rulesFor('Collections', VALID_COLLECTIONS, 'tags', ['ab', 'cd', 'ef', 'gh'])).toEqual([
      'repeated.max_items',
    ]);
    expect(rulesFor('Collections', VALID_COLLECTIONS, 'ids', ['1', '1'])).toEqual([
      'repeated.unique',
    ]);
    expect(rulesFor('Collections', VALID_COLLECTIONS, 'ignore_empty_map', { a: 'x' })).toEqual([
      'map.min_pairs',
    ]);
    expect(rulesFor('Collections', VALID_COLLECTIONS, 'colors', ['RED', 'BLUE'])).toEqual([
      'enum.defined_only',
    ]);
    expect(validate('Collections', { ...VALID_COLLECTIONS, tags: ['ab', 'c'] })).toEqual([
      {
        field: 'tags[1]',
        rule: 'string.min_len',
        description: 'value length must be at least 2 characters',
      },
    ]);
    expect(
      validate('Collections', { ...VALID_COLLECTIONS, inners: [{ id: UUID }, { id: 'x' }] }),
    ).toEqual([
      { field: 'inners[1].id', rule: 'string.uuid', description: 'value must be a valid UUID' },
    ]);
    expect(
      validate('Collections', { ...VALID_COLLECTIONS, counts: { a: -1 } }).map((v) => [
        v.field,
        v.rule,
      ]),
    ).toEqual([
      ['counts["a"]', 'string.min_len'],
      ['counts["a"]', 'int32.gte'],
    ]);
    expect(
      validate('Collections', { ...VALID_COLLECTIONS, by_id: { '0': null } }).map((v) => [
        v.field,
        v.rule,
      ]),
    ).toEqual([
      ['by_id["0"]', 'int64.gt'],
      ['by_id["0"]', 'map.no_sparse'],
    ]);
    expect(rulesFor('Collections', VALID_COLLECTIONS, 'required_inners', [null])).toEqual([
      'required',
    ]);
  });

  it('checks required messages, skip, required oneofs and recursive messages', () => {
    const valid = { required_inner: { id: UUID }, skipped_inner: { id: 'x' }, text: 'hi' };
    expect(validate('Nesting', valid)).toEqual([]);
    expect(validate('Nesting', { text: 'hi' })).toEqual([
      { field: 'required_inner', rule: 'required', description: 'value is required' },
    ]);
    expect(validate('Nesting', { required_inner: { id: UUID } })).toEqual([
      { field: 'choice', rule: 'required', description: 'exactly one field is required in oneof' },
    ]);
    expect(rulesFor('Nesting', valid, 'text', '')).toEqual(['string.min_len']);
    expect(
      validate('Nesting', { required_inner: { id: UUID }, number: 0 }).map((v) => v.rule),
    ).toEqual(['int32.gt']);
    expect(
      validate('Nesting', { ...valid, child: { ...valid, plain_inner: { id: 'bad' } } }),
    ).toEqual([
      {
        field: 'child.plain_inner.id',
        rule: 'string.uuid',
        description: 'value must be a valid UUID',
      },
    ]);
  });

  it('generates no validator for disabled, ignored and rule-free messages', () => {
    for (const type of ['Disabled', 'Ignored', 'UsesOffMessages', 'NoRules']) {
      expect(getMessageDescriptor(`everything.${type}`).validate).toBeUndefined();
    }
  });

  it('describes fields for the runtime codecs', () => {
    const fields = getMessageDescriptor('everything.Collections').fields;
    expect(fields.find((field) => field.name === 'by_id')).toEqual({
      name: 'by_id',
      jsonName: 'byId',
      number: 7,
      cardinality: 'map',
      type: { kind: 'message', messageType: 'everything.Inner' },
      mapKey: 'int64',
      optional: false,
    });
    const nesting = getMessageDescriptor('everything.Nesting').fields;
    expect(nesting.find((field) => field.name === 'text')?.oneof).toBe('choice');
    expect(
      getMessageDescriptor('everything.Strings').fields.find((field) => field.name === 'maybe')
        ?.optional,
    ).toBe(true);
  });

  it("validates a nested message of an imported file with that file's validator", () => {
    const bad = { const_val: 'nope' };
    expect(validate('RulesHolder', { strings: bad, many: [bad] })).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: 'strings.const_val', rule: 'string.const' }),
        expect.objectContaining({ field: 'many[0].const_val', rule: 'string.const' }),
      ]),
    );
  });
});
