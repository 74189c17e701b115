import { RE2 } from 're2-wasm';
import { compilePattern } from './pattern';

jest.mock('re2-wasm', () => {
  const actual = jest.requireActual<typeof import('re2-wasm')>('re2-wasm');
  return { RE2: jest.fn((source: string, flags: string) => new actual.RE2(source, flags)) };
});

const constructed = RE2 as unknown as jest.Mock;

describe('compilePattern', () => {
  it('honours a leading (?i) with Unicode simple case folding, as RE2/Go do', () => {
    const pattern = compilePattern('(?i)^[a-z0-9]+$');
    expect(pattern.test('Foo123')).toBe(true);
    expect(pattern.test('\u212a')).toBe(true); // KELVIN SIGN folds to k
    expect(pattern.test('\u017f')).toBe(true); // LONG S folds to s
    expect(pattern.test('!@#$%^&*()')).toBe(false);
  });

  it('validates the empty string instead of skipping it', () => {
    expect(compilePattern('(?i)^[a-z0-9]+$').test('')).toBe(false);
  });

  it('keeps a NUL inside the value', () => {
    expect(compilePattern('(?i)^[a-z0-9]+$').test('a\u0000')).toBe(false);
    expect(compilePattern('^a\\x00b$').test('a\u0000b')).toBe(true);
  });

  it('takes the source as already unescaped (no double unescaping)', () => {
    const pattern = compilePattern('\\* \\\\ \\w');
    expect(pattern.test('* \\ x')).toBe(true);
    expect(pattern.test('invalid')).toBe(false);
  });

  it('searches: anchors come only from the pattern', () => {
    expect(compilePattern('b').test('abc')).toBe(true);
    expect(compilePattern('^b').test('abc')).toBe(false);
    expect(compilePattern('^[^@]+@[^@]+\\.[^@]+$').test('ann@example.com')).toBe(true);
    expect(compilePattern('^[^@]+@[^@]+\\.[^@]+$').test('ann@example')).toBe(false);
  });

  it('matches with RE2 semantics, not JavaScript ones', () => {
    expect(compilePattern('^.$').test('😀')).toBe(true);
    expect(compilePattern('^.$').test('\n')).toBe(false);
    expect(compilePattern('(?s)^.$').test('\n')).toBe(true);
    expect(compilePattern('a$').test('a\n')).toBe(false);
    expect(compilePattern('^\\pL+$').test('héllo')).toBe(true);
    expect(compilePattern('^\\d+$').test('١٢')).toBe(false);
    expect(compilePattern('^\\Qa.b\\E$').test('a.b')).toBe(true);
    expect(compilePattern('^\\Qa.b\\E$').test('axb')).toBe(false);
  });

  it.each([
    ['(a', 'missing )'],
    ['(?=a)', 'invalid perl operator'],
    ['a\\1', 'invalid escape'],
    ['\\u0041', 'invalid escape sequence \\u'],
    ['\\cA', 'invalid escape sequence \\c'],
  ])('rejects %j at compile time with a clear message', (source, reason) => {
    expect(() => compilePattern(source)).toThrow(`invalid RE2 pattern ${JSON.stringify(source)}`);
    expect(() => compilePattern(source)).toThrow(reason);
  });

  it('treats \\u inside \\Q...\\E as literal text', () => {
    expect(compilePattern('^\\Q\\u\\E$').test('\\u')).toBe(true);
  });

  it('compiles once per source and never on test', () => {
    constructed.mockClear();
    const first = compilePattern('^once[0-9]+$');
    const second = compilePattern('^once[0-9]+$');
    expect(second).toBe(first);
    for (let index = 0; index < 1000; index++) first.test(`once${index}`);
    expect(constructed).toHaveBeenCalledTimes(1);
  });
});
