/** Source code to embed as is inside a rendered literal. */
export class Code {
  constructor(readonly source: string) {}
}

/** Plain data the generator renders as a TypeScript literal. */
export type Literal =
  | string
  | number
  | boolean
  | bigint
  | Code
  | undefined
  | readonly Literal[]
  | { readonly [key: string]: Literal };

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** Renders `value` as a multi-line TypeScript literal; `undefined` properties are left out. */
export function renderLiteral(value: Literal, indent = ''): string {
  if (value instanceof Code) return value.source;
  if (typeof value === 'string') return quote(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'number') return numberLiteral(value);
  if (typeof value === 'boolean') return String(value);
  if (value === undefined) return 'undefined';
  const inner = `${indent}  `;
  if (isLiteralArray(value)) {
    if (value.length === 0) return '[]';
    if (value.every((item) => typeof item !== 'object' || item instanceof Code)) {
      return `[${value.map((item) => renderLiteral(item, inner)).join(', ')}]`;
    }
    return `[\n${value.map((item) => `${inner}${renderLiteral(item, inner)},`).join('\n')}\n${indent}]`;
  }
  const entries = Object.entries(value).filter(([, item]) => item !== undefined);
  if (entries.length === 0) return '{}';
  const body = entries.map(
    ([key, item]) =>
      `${inner}${IDENTIFIER.test(key) ? key : quote(key)}: ${renderLiteral(item, inner)},`,
  );
  return `{\n${body.join('\n')}\n${indent}}`;
}

function isLiteralArray(value: Literal): value is readonly Literal[] {
  return Array.isArray(value);
}

/** A TypeScript string literal (JSON escaping is valid TypeScript, NUL and astral chars included). */
export function quote(value: string): string {
  return JSON.stringify(value);
}

/** A TypeScript expression for a double, non-finite values included. */
export function numberLiteral(value: number): string {
  if (Number.isNaN(value)) return 'Number.NaN';
  if (value === Infinity) return 'Number.POSITIVE_INFINITY';
  if (value === -Infinity) return 'Number.NEGATIVE_INFINITY';
  if (Object.is(value, -0)) return '-0';
  return String(value);
}
