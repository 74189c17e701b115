/** A google.api.http path template converted for Fastify's router. @publicApi */
export interface FastifyRoutePath {
  /** e.g. `/users/:user_id`, `/files/*`. */
  path: string;
  /** Fastify param name → proto field path it binds, e.g. `{ 'user_id': 'user_id', 'a__b': 'a.b' }`. */
  params: Readonly<Record<string, string>>;
}

const FIELD_PATH = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/**
 * Converts a path template: `{field}` and `{field=*}` become `:field` (dots in nested paths become
 * `__`, as Fastify param names cannot hold dots), a trailing `{field=**}` becomes Fastify's `*`,
 * and a literal `:` (custom verbs, `/v1/things:cancel`) is escaped. Multi-segment patterns such as
 * `{name=shelves/*}` cannot be expressed by Fastify's router and are refused with the template.
 * @publicApi
 */
export function toFastifyRoutePath(template: string): FastifyRoutePath {
  const params: Record<string, string> = {};
  let path = '';
  let rest = template;
  while (rest.length > 0) {
    const open = rest.indexOf('{');
    if (open === -1) {
      path += escapeLiteral(rest);
      break;
    }
    path += escapeLiteral(rest.slice(0, open));
    const close = rest.indexOf('}', open);
    if (close === -1) throw new Error(`path template ${template}: unclosed "{"`);
    const [fieldPath, pattern = '*'] = rest.slice(open + 1, close).split('=');
    if (!FIELD_PATH.test(fieldPath))
      throw new Error(`path template ${template}: bad field "${fieldPath}"`);
    rest = rest.slice(close + 1);
    if (pattern === '**') {
      if (rest.length > 0)
        throw new Error(`path template ${template}: "**" must be the last segment`);
      path += '*';
      params['*'] = fieldPath;
    } else if (pattern === '*') {
      const name = fieldPath.replace(/\./g, '__');
      path += `:${name}`;
      params[name] = fieldPath;
    } else {
      throw new Error(`path template ${template}: pattern "${pattern}" is not supported`);
    }
  }
  return { path, params };
}

function escapeLiteral(literal: string): string {
  return literal.replace(/:/g, '::');
}
