import { HttpRule } from '../descriptor';
import { compareTemplates, compileHttpBindings, HttpRouter } from './http-router';
import { parsePathTemplate } from './path-template';

const rule = (method: HttpRule['method'], path: string): HttpRule => ({
  method,
  path,
  pathParams: [],
});

describe('HttpRouter', () => {
  it('picks the most specific template whatever the declaration order', () => {
    const router = new HttpRouter<string>();
    router.add('wide', compileHttpBindings(rule('GET', '/v1/{name=shelves/*/books/*}')));
    router.add('literal', compileHttpBindings(rule('GET', '/v1/shelves/featured/books/{id}')));
    router.add('verb', compileHttpBindings(rule('GET', '/v1/{name=shelves/*/books/*}:read')));
    expect(router.match('GET', '/v1/shelves/featured/books/1')?.key).toBe('literal');
    expect(router.match('GET', '/v1/shelves/other/books/1')?.key).toBe('wide');
    expect(router.match('GET', '/v1/shelves/featured/books/1:read')?.key).toBe('verb');
  });

  it('routes each binding of a rule, by HTTP method, ignoring the query', () => {
    const router = new HttpRouter<string>();
    router.add(
      'get',
      compileHttpBindings({
        ...rule('GET', '/v1/messages/{id}'),
        additionalBindings: [rule('POST', '/v1/users/{user}/messages/{id}')],
      }),
    );
    expect(router.match('GET', '/v1/messages/1?x=1')?.binding.rule.method).toBe('GET');
    expect(router.match('POST', '/v1/users/me/messages/1')?.binding.rule.method).toBe('POST');
    expect(router.match('POST', '/v1/messages/1')).toBeUndefined();
    expect(router.match('GET', 'no-slash')).toBeUndefined();
  });

  it('finds literal-first templates from a percent-encoded first segment', () => {
    const router = new HttpRouter<string>();
    router.add('v1', compileHttpBindings(rule('GET', '/v1/{id}')));
    expect(router.match('GET', '/v%31/7')?.key).toBe('v1');
  });
});

describe('compareTemplates', () => {
  const compare = (first: string, second: string) =>
    Math.sign(compareTemplates(parsePathTemplate(first), parsePathTemplate(second)));

  it('orders verb, then literal before * before **, then length', () => {
    expect(compare('/a/{x}:v', '/a/b')).toBe(-1);
    expect(compare('/a/b', '/a/*')).toBe(-1);
    expect(compare('/a/*', '/a/**')).toBe(-1);
    expect(compare('/a/*/c', '/a/*')).toBe(-1);
    expect(compare('/a/{x}', '/a/{y}')).toBe(0);
  });
});
