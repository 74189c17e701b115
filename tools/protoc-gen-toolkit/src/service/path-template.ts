/**
 * Field paths bound by a google.api.http path template, in order:
 * `/users/{user_id}` → [`user_id`], `/v1/{name=shelves/*}/books/{book.id}` → [`name`, `book.id`].
 * Returns an error message instead when the template is malformed.
 */
export function parsePathTemplate(template: string): { params: string[] } | { error: string } {
  if (!template.startsWith('/'))
    return { error: `path template "${template}" must start with "/"` };
  const params: string[] = [];
  let rest = template;
  for (;;) {
    const open = rest.indexOf('{');
    const close = rest.indexOf('}');
    if (open < 0) {
      if (close >= 0) return { error: `path template "${template}" has an unmatched "}"` };
      return { params };
    }
    if (close < open) return { error: `path template "${template}" has an unmatched "}"` };
    const variable = rest.slice(open + 1, close);
    if (variable.includes('{')) return { error: `path template "${template}" nests variables` };
    const [fieldPath, segments] = splitOnce(variable, '=');
    if (!/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/.test(fieldPath)) {
      return { error: `path template "${template}" has an invalid variable "{${variable}}"` };
    }
    if (segments !== undefined && !/^(\*\*|\*|[^/{}*]+)(\/(\*\*|\*|[^/{}*]+))*$/.test(segments)) {
      return { error: `path template "${template}" has an invalid segment pattern "${segments}"` };
    }
    if (params.includes(fieldPath))
      return { error: `path template "${template}" binds "${fieldPath}" twice` };
    params.push(fieldPath);
    rest = rest.slice(close + 1);
  }
}

function splitOnce(value: string, separator: string): [string, string | undefined] {
  const index = value.indexOf(separator);
  return index < 0 ? [value, undefined] : [value.slice(0, index), value.slice(index + 1)];
}
