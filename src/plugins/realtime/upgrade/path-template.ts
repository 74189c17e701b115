/** Result of matching a path: its parameters, or `invalid` when a segment is badly encoded. */
export type PathMatch = { params: Record<string, string> } | { invalid: string } | undefined;

/** A compiled `{name}` path template. */
export interface PathTemplate {
  readonly template: string;
  /** Template with parameter names erased, to detect two templates matching the same paths. */
  readonly shape: string;
  match(path: string): PathMatch;
}

const PARAM = /^\{([A-Za-z_][A-Za-z0-9_.]*)(?:=\*)?\}$/;

/**
 * Compiles a google.api.http style template (`/chat/rooms/{room_id}/join`): literal segments
 * match exactly, `{name}` (or `{name=*}`) matches one non-empty segment, URL-decoded.
 */
export function compilePathTemplate(template: string): PathTemplate {
  if (!template.startsWith('/')) throw new Error(`upgrade route "${template}" must start with /`);
  const segments = template
    .slice(1)
    .split('/')
    .map((segment) => {
      const param = PARAM.exec(segment);
      if (param) return { param: param[1] };
      if (/[{}]/.test(segment)) {
        throw new Error(`upgrade route "${template}": unsupported segment "${segment}"`);
      }
      return { literal: segment };
    });
  const shape = '/' + segments.map((s) => ('param' in s ? '{}' : s.literal)).join('/');

  return {
    template,
    shape,
    match(path: string): PathMatch {
      const parts = path.slice(1).split('/');
      if (!path.startsWith('/') || parts.length !== segments.length) return undefined;
      const params: Record<string, string> = {};
      for (let index = 0; index < segments.length; index++) {
        const segment = segments[index];
        const part = parts[index];
        if ('literal' in segment) {
          if (part !== segment.literal) return undefined;
          continue;
        }
        if (part.length === 0) return undefined;
        try {
          params[segment.param] = decodeURIComponent(part);
        } catch {
          return { invalid: `path segment "${part}" is not valid percent-encoding` };
        }
      }
      return { params };
    },
  };
}
