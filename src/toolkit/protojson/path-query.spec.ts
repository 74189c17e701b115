import { CODEC_TEST_TYPES, REQUEST } from './descriptors.mocks';
import { DescriptorRegistry } from '../descriptor/registry';
import { decodeJson } from './decode';
import { applyPathAndQuery, applyQueryParameters } from './path-query';
import { ProtoJsonError } from './protojson-error';

const types = new DescriptorRegistry([CODEC_TEST_TYPES]);

function request(body: unknown = {}): Record<string, unknown> {
  return decodeJson(types, REQUEST, body);
}

describe('applyPathAndQuery', () => {
  it('sets path parameters and converts query parameters to field types', () => {
    const target = request();
    applyPathAndQuery(
      types,
      REQUEST,
      target,
      { user_id: 'u-1' },
      {
        limit: '10',
        tags: ['a', 'b'],
        'nested.name': 'n',
        color: 'RED',
        since: '2024-01-01T00:00:00Z',
        search: '',
        active: 'false',
        total: '18446744073709551615',
      },
    );
    expect(target).toEqual({
      user_id: 'u-1',
      limit: 10,
      tags: ['a', 'b'],
      nested: { name: 'n', child: undefined },
      color: 'RED',
      since: { seconds: String(Date.UTC(2024, 0, 1) / 1000), nanos: 0 },
      labels: {},
      search: '',
      active: { value: false },
      total: '18446744073709551615',
    });
  });

  it('accepts json names, numeric enums and a single value for a repeated field', () => {
    const target = request();
    applyPathAndQuery(types, REQUEST, target, {}, { userId: 'u', color: '2', tags: 'only' });
    expect(target).toMatchObject({ user_id: 'u', color: 'GREEN', tags: ['only'] });
  });

  it('sets dotted path parameters, creating the nested message', () => {
    const target = request();
    applyPathAndQuery(types, REQUEST, target, { 'nested.name': 'deep' }, {});
    expect(target.nested).toEqual({ name: 'deep', child: undefined });
  });

  it('ignores unknown query parameters and map fields', () => {
    const target = request();
    applyPathAndQuery(
      types,
      REQUEST,
      target,
      {},
      { nope: '1', 'nested.nope': 'x', labels: 'a', __proto__x: 'y' },
    );
    expect(target).toEqual(request());
  });

  it('lets the path win over the query for the same field', () => {
    const target = request();
    applyPathAndQuery(
      types,
      REQUEST,
      target,
      { user_id: 'from-path' },
      { user_id: 'from-query', userId: 'again' },
    );
    expect(target.user_id).toBe('from-path');
  });

  it('takes no query parameters with body "*", and none for the body field', () => {
    const star = request({ limit: 5 });
    applyPathAndQuery(types, REQUEST, star, { user_id: 'p' }, { limit: '9', search: 's' }, '*');
    expect(star).toMatchObject({ user_id: 'p', limit: 5, search: undefined });

    const field = request({ nested: { name: 'from-body' } });
    applyPathAndQuery(
      types,
      REQUEST,
      field,
      {},
      { 'nested.name': 'from-query', limit: '3' },
      'nested',
    );
    expect(field).toMatchObject({ nested: { name: 'from-body' }, limit: 3 });
  });

  it.each<[string, Record<string, string>, Record<string, string | string[]>, string, string]>([
    [
      'a non-numeric int32',
      {},
      { limit: 'ten' },
      'limit',
      'expected an integer (int32), got "ten"',
    ],
    ['an int32 overflow', {}, { limit: '2147483648' }, 'limit', 'out of range for int32'],
    ['a negative uint64', {}, { total: '-1' }, 'total', 'out of range for uint64'],
    [
      'two values for a singular field',
      {},
      { limit: ['1', '2'] },
      'limit',
      'expected one value, got 2',
    ],
    ['an unknown enum', {}, { color: 'BLUE' }, 'color', 'unknown'],
    ['a bad timestamp', {}, { since: 'yesterday' }, 'since', 'RFC 3339'],
    ['a bad bool', {}, { active: 'yes' }, 'active', 'expected true or false'],
    ['a message value', {}, { nested: 'x' }, 'nested', 'cannot be given as a URL parameter'],
    ['a bad element', {}, { tags: ['a'], limit: '1.5' }, 'limit', 'expected an integer'],
    [
      'a bad path value',
      { 'nested.name': 'x', user_id: 'y' },
      { 'nested.child': 'z' },
      'nested.child',
      'cannot be given',
    ],
  ])('rejects %s', (_title, pathParams, query, field, reason) => {
    let caught: unknown;
    try {
      applyPathAndQuery(types, REQUEST, request(), pathParams, query);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ProtoJsonError);
    expect(caught).toMatchObject({ field, reason: expect.stringContaining(reason) });
  });

  it('treats a path parameter that names no field as a route table bug', () => {
    expect(() => applyPathAndQuery(types, REQUEST, request(), { missing: 'x' }, {})).toThrow(
      'path parameter missing is not a field of codec_test.UpdateRequest',
    );
  });
});

describe('applyQueryParameters', () => {
  it('sets map entries given as field[key]', () => {
    const target = request();
    applyQueryParameters(types, REQUEST, target, { 'labels[team]': 'core', 'labels[a b]': '' });
    expect(target.labels).toEqual({ team: 'core', 'a b': '' });
  });

  it('skips parameters under an excluded field path', () => {
    const target = request();
    applyQueryParameters(types, REQUEST, target, { 'nested.name': 'n', limit: '2' }, ['nested']);
    expect(target).toMatchObject({ nested: undefined, limit: 2 });
  });

  it('refuses a parameter that goes on through a scalar field', () => {
    expect(() => applyQueryParameters(types, REQUEST, request(), { 'limit.x': '1' })).toThrow(
      ProtoJsonError,
    );
  });
});
