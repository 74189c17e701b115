import { toTimestamp } from './timestamp-message';

describe('toTimestamp', () => {
  it('splits a Date into string seconds and nanos', () => {
    expect(toTimestamp(new Date('2025-01-02T03:04:05.678Z'))).toEqual({
      seconds: '1735787045',
      nanos: 678_000_000,
    });
    expect(toTimestamp(new Date(0))).toEqual({ seconds: '0', nanos: 0 });
  });

  it('keeps nanos positive before 1970', () => {
    expect(toTimestamp(new Date(-1))).toEqual({ seconds: '-1', nanos: 999_000_000 });
  });
});
