import { RE2 } from 're2-wasm';

/** A compiled `(validate.rules).string.pattern`. @publicApi */
export interface CompiledPattern {
  /** RE2 source as written in the proto (after proto string unescaping). */
  readonly source: string;
  /** True when the pattern matches anywhere in `value` (a search, like Go's `MatchString`). */
  test(value: string): boolean;
}

const compiled = new Map<string, CompiledPattern>();

/**
 * Compiles an RE2 pattern once (memoised by source; generated validators call this at module
 * load). RE2 itself interprets inline flags such as a leading `(?i)` (with Unicode simple case
 * folding, so `(?i)k` matches U+212A KELVIN SIGN), anchors come only from the pattern, and a NUL
 * in the value is an ordinary character.
 *
 * @throws Error naming the pattern when it is not valid RE2 syntax.
 * @publicApi
 */
export function compilePattern(source: string): CompiledPattern {
  const cached = compiled.get(source);
  if (cached) return cached;
  rejectJavaScriptOnlyEscapes(source);
  let engine: RE2;
  try {
    // re2-wasm only runs in Unicode mode; without `g`/`y` its `test` is stateless (no lastIndex).
    engine = new RE2(source, 'u');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`invalid RE2 pattern ${JSON.stringify(source)}: ${reason}`);
  }
  const pattern: CompiledPattern = { source, test: (value) => engine.test(value) };
  compiled.set(source, pattern);
  return pattern;
}

/**
 * re2-wasm rewrites JavaScript escapes (`\uXXXX`, `\cX`) into RE2 ones before compiling, which
 * would accept patterns that Go's RE2 (PGV) rejects; refuse them so both agree.
 */
function rejectJavaScriptOnlyEscapes(source: string): void {
  let literal = false;
  for (let index = 0; index < source.length; index++) {
    if (source[index] !== '\\') continue;
    const next = source[index + 1];
    if (literal) {
      // Inside \Q...\E every character is literal; only \E ends the quoted run.
      if (next === 'E') {
        literal = false;
        index++;
      }
      continue;
    }
    index++;
    if (next === 'Q') literal = true;
    else if (next === 'u' || next === 'c')
      throw new Error(
        `invalid RE2 pattern ${JSON.stringify(source)}: invalid escape sequence \\${next}`,
      );
  }
}
