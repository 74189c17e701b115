import {
  decodeVariable,
  matchPathTemplate,
  parsePathTemplate,
  PathTemplateError,
} from './path-template';

describe('parsePathTemplate', () => {
  it('reads variables, their segment spans and the verb', () => {
    const template = parsePathTemplate('/v1/{name=shelves/*/books/*}/{page.id}:list');
    expect(template.verb).toBe('list');
    expect(template.shape).toBe('/v1/shelves/*/books/*/*:list');
    expect(template.variables).toEqual([
      { fieldPath: 'name', start: 1, end: 5, multiSegment: true },
      { fieldPath: 'page.id', start: 5, end: 6, multiSegment: false },
    ]);
  });

  it('treats {field=**} as multi-segment and {field=literal} as single', () => {
    expect(parsePathTemplate('/files/{path=**}').variables[0].multiSegment).toBe(true);
    expect(parsePathTemplate('/files/{kind=a}').variables[0].multiSegment).toBe(false);
  });

  it.each([
    ['v1', 'must start with "/"'],
    ['/v1/{id', 'expected "}"'],
    ['/v1/{a}/{a}', 'binds "a" twice'],
    ['/v1/**/x/**', 'more than one "**"'],
    ['/v1/a b', 'invalid literal'],
    ['/v1/{id}:', 'invalid verb'],
  ])('refuses %s', (template, reason) => {
    expect(() => parsePathTemplate(template)).toThrow(PathTemplateError);
    expect(() => parsePathTemplate(template)).toThrow(reason);
  });
});

describe('matchPathTemplate', () => {
  const match = (template: string, path: string) =>
    matchPathTemplate(parsePathTemplate(template), path);

  it('captures the raw text of each variable', () => {
    expect(match('/v1/{name=shelves/*}/books/{id}', '/v1/shelves/a%2Fb/books/7')).toEqual([
      ['name', 'shelves/a%2Fb', true],
      ['id', '7', false],
    ]);
  });

  it('matches the segments after ** from the end of the path', () => {
    expect(match('/v1/{path=**}/meta/{id}', '/v1/a/b/meta/3')).toEqual([
      ['path', 'a/b', true],
      ['id', '3', false],
    ]);
    expect(match('/v1/{path=**}/meta/{id}', '/v1/meta/3')).toEqual([
      ['path', '', true],
      ['id', '3', false],
    ]);
    expect(match('/v1/{path=**}/meta/{id}', '/v1/3')).toBeUndefined();
  });

  it('requires the verb after the last colon, and takes colons into verb-less variables', () => {
    expect(match('/v1/{id}:cancel', '/v1/7:cancel')).toEqual([['id', '7', false]]);
    expect(match('/v1/{id}:cancel', '/v1/7')).toBeUndefined();
    expect(match('/v1/{id}', '/v1/7:cancel')).toEqual([['id', '7:cancel', false]]);
  });

  it('does not match an empty * segment', () => {
    expect(match('/v1/{id}/x', '/v1//x')).toBeUndefined();
  });
});

describe('decodeVariable', () => {
  it('decodes a single-segment value entirely', () => {
    expect(decodeVariable('a%2Fb%20c', false)).toBe('a/b c');
  });

  it('keeps %2F and %2f of a multi-segment value as sent', () => {
    expect(decodeVariable('a/b%2Fc%2fd%C3%A9', true)).toBe('a/b%2Fc%2fdé');
  });

  it('throws on malformed percent-encoding', () => {
    expect(() => decodeVariable('%ZZ', false)).toThrow(URIError);
  });
});
