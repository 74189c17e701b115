/**
 * google.api.http path templates (google/api/http.proto):
 *
 *     Template = "/" Segments [ Verb ] ;
 *     Segments = Segment { "/" Segment } ;
 *     Segment  = "*" | "**" | LITERAL | Variable ;
 *     Variable = "{" FieldPath [ "=" Segments ] "}" ;
 *     FieldPath = IDENT { "." IDENT } ;
 *     Verb     = ":" LITERAL ;
 *
 * parsed the way grpc-gateway's httprule parser does (the verb is what follows the last `:` of
 * the last token; literals are RFC 3986 pchars) and matched the way its runtime does, with one
 * `**` allowed anywhere (the segments after it are matched from the end of the path).
 * This file has no dependencies: the generator validates templates with the same parser.
 */

/** One segment of a template: a literal, `*` (one segment) or `**` (zero or more). @publicApi */
export type TemplateSegment =
  | { readonly kind: 'literal'; readonly value: string }
  | { readonly kind: 'single' }
  | { readonly kind: 'multi' };

/** A `{field.path=...}` variable: the template segments `[start, end)` it captures. @publicApi */
export interface TemplateVariable {
  readonly fieldPath: string;
  readonly start: number;
  readonly end: number;
  /**
   * More than one segment (`{name=shelves/*}`, `{path=**}`): its value keeps `%2F` encoded, as
   * http.proto says of multi-segment variables. Single-segment values are decoded entirely.
   */
  readonly multiSegment: boolean;
}

/** A parsed template. @publicApi */
export interface PathTemplate {
  readonly template: string;
  readonly segments: readonly TemplateSegment[];
  readonly verb?: string;
  readonly variables: readonly TemplateVariable[];
  /** Index of the `**` segment, or -1. */
  readonly multiIndex: number;
  /**
   * The template with variable names erased (`/v1/shelves/*`, plus `:verb`): two templates of one
   * HTTP method with the same shape match exactly the same requests.
   */
  readonly shape: string;
}

/** Thrown for a template that does not follow the grammar; the message names the template. */
export class PathTemplateError extends Error {
  constructor(
    readonly template: string,
    readonly reason: string,
  ) {
    super(`path template "${template}" ${reason}`);
    this.name = 'PathTemplateError';
  }
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** RFC 3986 pchar: unreserved, sub-delims, ":", "@" and percent-encoded octets. */
const PCHARS = /^(?:[A-Za-z0-9\-._~!$&'()*+,;=:@]|%[0-9A-Fa-f]{2})+$/;

/**
 * Parses a google.api.http path template.
 * @throws PathTemplateError when the template is malformed (the message says where).
 * @publicApi
 */
export function parsePathTemplate(template: string): PathTemplate {
  const fail = (reason: string): never => {
    throw new PathTemplateError(template, reason);
  };
  if (!template.startsWith('/')) fail('must start with "/"');
  const { tokens, verb } = tokenize(template.slice(1));
  if (verb !== undefined && !PCHARS.test(verb)) fail(`has an invalid verb ":${verb}"`);
  const segments: TemplateSegment[] = [];
  const variables: TemplateVariable[] = [];
  let position = 0;
  const peek = (): string | undefined => tokens[position];
  const next = (): string | undefined => tokens[position++];
  const expect = (token: string): void => {
    const got = next();
    if (got !== token)
      fail(`expected "${token}" but got ${got === undefined ? 'the end' : `"${got}"`}`);
  };
  const segment = (): void => {
    const token = next();
    if (token === undefined) return fail('ends where a segment is expected');
    if (token === '*') segments.push({ kind: 'single' });
    else if (token === '**') segments.push({ kind: 'multi' });
    // Inside a variable `{` is no token (grpc-gateway's tokenizer): `{a={b}}` fails as a literal.
    else if (token === '{') variable();
    else if (token === '/' || token === '}' || token === '=' || token === '.')
      fail(`has an empty segment before "${token}"`);
    else if (!PCHARS.test(token)) fail(`has an invalid literal "${token}"`);
    else segments.push({ kind: 'literal', value: token });
  };
  const variable = (): void => {
    const parts: string[] = [];
    for (;;) {
      const ident = next();
      if (ident === undefined || !IDENT.test(ident))
        fail(`has an invalid field path in a variable (at "${ident ?? 'the end'}")`);
      parts.push(ident!);
      if (peek() !== '.') break;
      next();
    }
    const fieldPath = parts.join('.');
    if (variables.some((existing) => existing.fieldPath === fieldPath))
      fail(`binds "${fieldPath}" twice`);
    const start = segments.length;
    if (peek() === '=') {
      next();
      segment();
      while (peek() === '/') {
        next();
        segment();
      }
    } else {
      segments.push({ kind: 'single' });
    }
    expect('}');
    const end = segments.length;
    const multiSegment = end - start > 1 || segments[start].kind === 'multi';
    variables.push({ fieldPath, start, end, multiSegment });
  };
  segment();
  while (peek() === '/') {
    next();
    segment();
  }
  if (position < tokens.length) fail(`has "${peek()}" where "/" or the end is expected`);
  const multi = segments.filter((segment) => segment.kind === 'multi').length;
  if (multi > 1) fail('has more than one "**"');
  const shape =
    '/' +
    segments
      .map((segment) =>
        segment.kind === 'literal' ? segment.value : segment.kind === 'single' ? '*' : '**',
      )
      .join('/') +
    (verb === undefined ? '' : `:${verb}`);
  return {
    template,
    segments,
    ...(verb === undefined ? {} : { verb }),
    variables,
    multiIndex: segments.findIndex((segment) => segment.kind === 'multi'),
    shape,
  };
}

/** grpc-gateway's tokenizer: `/`, `{`, `}`, `=`, `.` are tokens (`.` only inside a field path). */
function tokenize(path: string): { tokens: string[]; verb?: string } {
  const tokens: string[] = [];
  let state: 'init' | 'field' | 'nested' = 'init';
  let rest = path;
  while (rest !== '') {
    const delimiters = state === 'init' ? '/{' : state === 'field' ? '.=}' : '/}';
    let index = -1;
    for (let i = 0; i < rest.length; i++) {
      if (delimiters.includes(rest[i])) {
        index = i;
        break;
      }
    }
    if (index < 0) {
      tokens.push(rest);
      break;
    }
    const delimiter = rest[index];
    if (delimiter === '{') state = 'field';
    else if (delimiter === '=') state = 'nested';
    else if (delimiter === '}') state = 'init';
    if (index > 0) tokens.push(rest.slice(0, index));
    tokens.push(delimiter);
    rest = rest.slice(index + 1);
  }
  if (tokens.length === 0) return { tokens };
  const last = tokens[tokens.length - 1];
  const colon = last.lastIndexOf(':');
  if (colon < 0) return { tokens };
  const verb = last.slice(colon + 1);
  if (colon === 0) tokens.pop();
  else tokens[tokens.length - 1] = last.slice(0, colon);
  return { tokens, verb };
}

/** The raw (still percent-encoded) text each variable of a template captured. @publicApi */
export type RawBindings = readonly (readonly [fieldPath: string, raw: string, multi: boolean])[];

/**
 * Matches a request path (raw, percent-encoded, without the query) against a template. A `*`
 * matches one non-empty segment, `**` zero or more; a literal matches its own text, or a
 * segment that decodes to it; the verb must follow the last `:` of the last segment (a template
 * without a verb takes the whole last segment, colons included).
 * @returns the raw text of each variable, or undefined when the path does not match.
 * @publicApi
 */
export function matchPathTemplate(template: PathTemplate, path: string): RawBindings | undefined {
  if (path.charCodeAt(0) !== 47 /* / */) return undefined;
  const components = path.slice(1).split('/');
  return matchComponents(template, components);
}

/** @internal `components` is the path split on `/` after the leading one (reused per request). */
export function matchComponents(
  template: PathTemplate,
  components: readonly string[],
): RawBindings | undefined {
  let parts = components;
  if (template.verb !== undefined) {
    const last = parts[parts.length - 1];
    const colon = last.lastIndexOf(':');
    if (colon < 0 || last.slice(colon + 1) !== template.verb) return undefined;
    // `/v1/:cancel` names no resource: grpc-gateway answers it 404 too.
    if (colon === 0 && parts.length === 1) return undefined;
    parts = [...parts.slice(0, -1), last.slice(0, colon)];
  }
  const { segments, multiIndex } = template;
  const count = parts.length;
  // Where each template segment starts in `parts`, with the `**` spanning what the others leave.
  const starts: number[] = new Array<number>(segments.length + 1);
  if (multiIndex < 0) {
    if (count !== segments.length) return undefined;
    for (let index = 0; index <= segments.length; index++) starts[index] = index;
  } else {
    const tail = segments.length - multiIndex - 1;
    if (count < segments.length - 1) return undefined;
    for (let index = 0; index <= multiIndex; index++) starts[index] = index;
    // The segments after `**` are matched from the end of the path (grpc-gateway's tailLen).
    for (let index = multiIndex + 1; index <= segments.length; index++)
      starts[index] = count - tail + (index - multiIndex - 1);
  }
  for (let index = 0; index < segments.length; index++) {
    const segment = segments[index];
    if (segment.kind === 'multi') continue;
    const part = parts[starts[index]];
    if (segment.kind === 'single') {
      if (part === '') return undefined;
    } else if (part !== segment.value && safeDecode(part) !== safeDecode(segment.value)) {
      return undefined;
    }
  }
  return template.variables.map((variable) => {
    const from = starts[variable.start];
    const to = starts[variable.end];
    return [variable.fieldPath, parts.slice(from, to).join('/'), variable.multiSegment] as const;
  });
}

function safeDecode(text: string): string | undefined {
  if (!text.includes('%')) return text;
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

/**
 * Decodes a captured variable as http.proto specifies: a single-segment variable entirely
 * (`%2F` included), a multi-segment one except `%2F` / `%2f`, which stay as sent.
 * @throws URIError for malformed percent-encoding.
 * @publicApi
 */
export function decodeVariable(raw: string, multiSegment: boolean): string {
  if (!raw.includes('%')) return raw;
  if (!multiSegment) return decodeURIComponent(raw);
  return raw
    .split(/(%2[fF])/)
    .map((part, index) => (index % 2 === 1 ? part : decodeURIComponent(part)))
    .join('');
}
