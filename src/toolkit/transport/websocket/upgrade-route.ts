import {
  decodeVariable,
  matchPathTemplate,
  parsePathTemplate,
  PathTemplate,
} from '../path-template';

/** Result of matching a path: its parameters, or `invalid` when a segment is badly encoded. @publicApi */
export type UpgradeRouteMatch =
  { params: Record<string, string> } | { invalid: string } | undefined;

/** A compiled upgrade route template. @publicApi */
export interface UpgradeRoute {
  readonly template: string;
  /** The template with variable names erased: two routes of one shape match the same paths. */
  readonly shape: string;
  match(path: string): UpgradeRouteMatch;
}

/**
 * Compiles the path template of a WebSocket upgrade route (`/chat/rooms/{room_id}/join`) with
 * the toolkit's google.api.http parser: literal segments and one-segment variables (`{name}`,
 * `{name=*}`), a verb allowed; a variable spanning segments (`{name=a/*}`, `**`) is refused.
 * Matching differs from HTTP routing in one way, kept on purpose: a literal matches only as sent,
 * not in another percent-encoding (`/ch%61t` is not `/chat`), because clients and proxies that
 * gate sockets by path compare raw paths too. Variables are decoded entirely.
 * @throws PathTemplateError for a malformed template, Error for a multi-segment variable.
 * @publicApi
 */
export function compileUpgradeRoute(template: string): UpgradeRoute {
  const parsed = parsePathTemplate(template);
  if (parsed.multiIndex >= 0 || parsed.variables.some((variable) => variable.multiSegment)) {
    throw new Error(`upgrade route "${template}": a variable may only bind one segment`);
  }
  return {
    template,
    shape: parsed.shape,
    match: (path) => matchUpgradePath(parsed, path),
  };
}

function matchUpgradePath(parsed: PathTemplate, path: string): UpgradeRouteMatch {
  const bindings = matchPathTemplate(parsed, path);
  if (bindings === undefined || !literalsAsSent(parsed, path)) return undefined;
  const params: Record<string, string> = {};
  for (const [field, raw] of bindings) {
    try {
      params[field] = decodeVariable(raw, false);
    } catch {
      return { invalid: `path segment "${raw}" is not valid percent-encoding` };
    }
  }
  return { params };
}

/** Without `**`, segment i of the template is part i of the path (the verb cut off the last). */
function literalsAsSent(parsed: PathTemplate, path: string): boolean {
  const parts = path.slice(1).split('/');
  if (parsed.verb !== undefined) {
    const last = parts[parts.length - 1];
    parts[parts.length - 1] = last.slice(0, last.lastIndexOf(':'));
  }
  return parsed.segments.every(
    (segment, index) => segment.kind !== 'literal' || parts[index] === segment.value,
  );
}
