import { codePointLength, utf8ByteLength } from './string-length';

describe('codePointLength', () => {
  it.each([
    ['', 0],
    ['proto', 5],
    ['你好吖', 3],
    ['ʙǻɹ', 3],
    ['😀😁😂', 3],
    // Three ZWJ sequences: 3 graphemes but 12 code points (PGV len=3 rejects it).
    ['👩🏽‍💻🧑🏾‍💻👨🏼‍💻', 12],
    ['a\u0000', 2],
    ['\ud800x', 2],
    ['x\udc00', 2],
  ])('counts %j as %d code points', (value, expected) => {
    expect(codePointLength(value)).toBe(expected);
    expect(codePointLength(value)).toBe([...value].length);
  });

  it('differs from UTF-16 length and UTF-8 bytes for astral and multibyte text', () => {
    expect('😀😁😂'.length).toBe(6);
    expect(codePointLength('你好')).toBe(2);
    expect(utf8ByteLength('你好')).toBe(6);
  });
});

describe('utf8ByteLength', () => {
  it.each([
    ['', 0],
    ['abc', 3],
    ['é', 2],
    ['你', 3],
    ['😀', 4],
  ])('measures %j as %d bytes', (value, expected) => {
    expect(utf8ByteLength(value)).toBe(expected);
  });
});
