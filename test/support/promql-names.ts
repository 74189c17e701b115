/** Operators and modifiers of PromQL that read like names. */
const KEYWORDS = new Set(['and', 'or', 'unless', 'bool', 'offset', 'inf', 'nan']);

/**
 * The metric names a PromQL expression selects: what is left once strings, label matchers,
 * ranges and grouping label lists are removed, less function names (followed by `(`) and
 * keywords. Enough for the expressions of our dashboard and rules; not a PromQL parser.
 */
export function promqlMetricNames(expression: string): string[] {
  const stripped = expression
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names = [...stripped.matchAll(/\b[a-zA-Z_][a-zA-Z0-9_:]*\b(?!\s*\()/g)].map(
    ([name]) => name,
  );
  return [...new Set(names.filter((name) => !KEYWORDS.has(name.toLowerCase())))];
}
