import {
  bytesAsText,
  bytesContains,
  bytesEqual,
  bytesHasPrefix,
  bytesHasSuffix,
  bytesIn,
  isIpBytes,
  isIpv4Bytes,
  isIpv6Bytes,
} from './bytes';

const bytes = (...values: number[]) => Uint8Array.from(values);
const MAPPED_V4 = bytes(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 168, 0, 1);
const V6 = bytes(0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1);

describe('bytes rules', () => {
  it('compares operands byte for byte, not as text', () => {
    expect(bytesEqual(bytes(0x99), bytes(0x99))).toBe(true);
    expect(bytesEqual(bytes(0x99), bytes(0x99, 0))).toBe(false);
    expect(bytesHasPrefix(bytes(0x99, 1, 2), bytes(0x99))).toBe(true);
    expect(bytesHasPrefix(bytes(1), bytes(1, 2))).toBe(false);
    expect(bytesHasSuffix(Buffer.from('fizzbuzz'), Buffer.from('buzz'))).toBe(true);
    expect(bytesHasSuffix(Buffer.from('buz'), Buffer.from('buzz'))).toBe(false);
    expect(bytesContains(Buffer.from('foobarbaz'), Buffer.from('bar'))).toBe(true);
    expect(bytesContains(Buffer.from('foobaz'), Buffer.from('bar'))).toBe(false);
    expect(bytesIn(Buffer.from('baz'), [Buffer.from('bar'), Buffer.from('baz')])).toBe(true);
    expect(bytesIn(Buffer.from('ba'), [Buffer.from('bar')])).toBe(false);
  });

  it('reads invalid UTF-8 as U+FFFD for patterns, as Go regexp does', () => {
    expect(bytesAsText(bytes(0x61, 0xff))).toBe('a\ufffd');
  });

  it('checks ip formats on the raw address bytes', () => {
    expect([isIpBytes(bytes(1, 2, 3, 4)), isIpBytes(V6), isIpBytes(Buffer.from('fooar'))]).toEqual([
      true,
      true,
      false,
    ]);
    expect([isIpv4Bytes(bytes(192, 168, 0, 1)), isIpv4Bytes(MAPPED_V4), isIpv4Bytes(V6)]).toEqual([
      true,
      true,
      false,
    ]);
    expect([isIpv6Bytes(V6), isIpv6Bytes(MAPPED_V4), isIpv6Bytes(bytes(192, 168, 0, 1))]).toEqual([
      true,
      false,
      false,
    ]);
  });
});
