import type { HttpRule } from '../descriptor/types';
import {
  matchComponents,
  parsePathTemplate,
  PathTemplate,
  RawBindings,
  TemplateSegment,
} from './path-template';

/** One google.api.http binding of a method (the rule itself or one of its additional_bindings). @publicApi */
export interface HttpBinding {
  readonly rule: HttpRule;
  readonly template: PathTemplate;
}

/**
 * The bindings of a method's rule, in declaration order: the rule, then its additional_bindings.
 * @throws PathTemplateError for a malformed template (the generator refuses those first).
 * @publicApi
 */
export function compileHttpBindings(rule: HttpRule | undefined): HttpBinding[] {
  if (!rule) return [];
  return [rule, ...(rule.additionalBindings ?? [])].map((binding) => ({
    rule: binding,
    template: parsePathTemplate(binding.path),
  }));
}

/** What a request path matched: the binding, the key of its route, and the raw variable texts. */
export interface HttpRouteMatch<Key> {
  readonly key: Key;
  readonly binding: HttpBinding;
  readonly raw: RawBindings;
}

interface Entry<Key> {
  readonly key: Key;
  readonly binding: HttpBinding;
  readonly order: number;
}

/**
 * The routing table of one app: every binding of every route, per HTTP method, tried from the
 * most specific template to the least, so that overlapping templates resolve the same way
 * whatever order they were declared in. A template is more specific than another when it has a
 * verb and the other does not, then at the first segment where they differ: a literal beats `*`,
 * which beats `**`; then the one with more segments; then the one declared first. The candidate
 * lists are sorted once per method (on its first request after routes were added); a request only
 * splits its path and walks them. No regular expression is built per request.
 * @publicApi
 */
export class HttpRouter<Key> {
  private readonly byMethod = new Map<string, Entry<Key>[]>();
  /** Per method: candidates by first path segment (literal-first templates of it + the rest). */
  private readonly indexes = new Map<
    string,
    { byFirst: Map<string, Entry<Key>[]>; rest: Entry<Key>[] }
  >();
  private order = 0;

  /** Adds the bindings of a route; `key` is what `match` returns for them. */
  add(key: Key, bindings: readonly HttpBinding[]): void {
    for (const binding of bindings) {
      const entries = this.byMethod.get(binding.rule.method) ?? [];
      entries.push({ key, binding, order: this.order++ });
      this.byMethod.set(binding.rule.method, entries);
      this.indexes.delete(binding.rule.method);
    }
  }

  /** The most specific binding of `method` matching `url` (raw, query allowed), or undefined. */
  match(method: string, url: string): HttpRouteMatch<Key> | undefined {
    const index = this.index(method);
    if (!index || url.charCodeAt(0) !== 47 /* / */) return undefined;
    const query = url.indexOf('?');
    const path = query < 0 ? url.slice(1) : url.slice(1, query);
    const components = path.split('/');
    const first = components[0];
    const candidates =
      index.byFirst.get(first.includes('%') ? safeDecode(first) : first) ?? index.rest;
    for (const entry of candidates) {
      const raw = matchComponents(entry.binding.template, components);
      if (raw) return { key: entry.key, binding: entry.binding, raw };
    }
    return undefined;
  }

  private index(method: string) {
    let index = this.indexes.get(method);
    if (index) return index;
    const entries = this.byMethod.get(method);
    if (!entries) return undefined;
    const sorted = [...entries].sort(compareEntries);
    const rest = sorted.filter((entry) => firstLiteral(entry.binding.template) === undefined);
    const byFirst = new Map<string, Entry<Key>[]>();
    for (const entry of sorted) {
      const first = firstLiteral(entry.binding.template);
      if (first === undefined || byFirst.has(first)) continue;
      byFirst.set(
        first,
        sorted.filter((candidate) => {
          const other = firstLiteral(candidate.binding.template);
          return other === undefined || other === first;
        }),
      );
    }
    index = { byFirst, rest };
    this.indexes.set(method, index);
    return index;
  }
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** The first segment's literal when it has no percent-encoding (so it is matched as is). */
function firstLiteral(template: PathTemplate): string | undefined {
  const first = template.segments[0];
  // A verb on a one-segment template is part of the request's first segment.
  if (template.segments.length === 1 && template.verb !== undefined) return undefined;
  return first.kind === 'literal' && !first.value.includes('%') ? first.value : undefined;
}

const RANK: Record<TemplateSegment['kind'], number> = { literal: 0, single: 1, multi: 2 };

function compareEntries<Key>(first: Entry<Key>, second: Entry<Key>): number {
  return (
    compareTemplates(first.binding.template, second.binding.template) || first.order - second.order
  );
}

/** Negative when `first` is the more specific template (see `HttpRouter`). @internal */
export function compareTemplates(first: PathTemplate, second: PathTemplate): number {
  const verbs = Number(first.verb === undefined) - Number(second.verb === undefined);
  if (verbs !== 0) return verbs;
  const length = Math.min(first.segments.length, second.segments.length);
  for (let index = 0; index < length; index++) {
    const rank = RANK[first.segments[index].kind] - RANK[second.segments[index].kind];
    if (rank !== 0) return rank;
  }
  return second.segments.length - first.segments.length;
}
