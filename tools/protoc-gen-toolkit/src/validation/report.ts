import { CodeWriter } from '../code/code-writer';
import { quote } from '../code/literal';
import { EmitContext } from './emit-context';
import { RuleSet } from './rule-set';

/** `violations.push(violation(<path>, '<rule>', '<description>'));` guarded by `condition`. */
export function report(
  w: CodeWriter,
  ctx: EmitContext,
  condition: string,
  path: string,
  rule: string,
  description: string,
): void {
  w.line(
    `if (${condition}) violations.push(${ctx.validation('violation')}(${path}, ${quote(rule)}, ${quote(description)}));`,
  );
}

/** One size rule (`len`, `min_items`...): the comparison that breaks it and protovalidate's wording. */
export interface SizeBound {
  rule: string;
  /** How the measured size compares with the rule's number when the rule is broken. */
  broken: '!==' | '<' | '>';
  describe(limit: number): string;
}

/** The exact/at least/at most bounds of a length, e.g. `['len', 'min_len', 'max_len']` in `bytes`. */
export function lengthBounds(rules: readonly [string, string, string], unit: string): SizeBound[] {
  const [exact, min, max] = rules;
  return [
    { rule: exact, broken: '!==', describe: (n) => `value length must be ${n} ${unit}` },
    { rule: min, broken: '<', describe: (n) => `value length must be at least ${n} ${unit}` },
    { rule: max, broken: '>', describe: (n) => `value length must be at most ${n} ${unit}` },
  ];
}

/** Reports each of `bounds` the rule set declares, comparing the `measure` expression with it. */
export function reportSizeBounds(
  w: CodeWriter,
  ctx: EmitContext,
  rules: RuleSet | undefined,
  target: { measure: string; path: string; family: string },
  bounds: readonly SizeBound[],
): void {
  for (const bound of bounds) {
    if (!rules?.has(bound.rule)) continue;
    const limit = rules.number(bound.rule) ?? 0;
    report(
      w,
      ctx,
      `${target.measure} ${bound.broken} ${limit}`,
      target.path,
      `${target.family}.${bound.rule}`,
      bound.describe(limit),
    );
  }
}
