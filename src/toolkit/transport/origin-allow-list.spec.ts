import { originAllowList } from './origin-allow-list';

describe('originAllowList', () => {
  it('compares origins the way browsers send them (case, trailing slash)', () => {
    const list = originAllowList(['https://App.example.com/']);
    expect(list.allows('https://app.example.com')).toBe(true);
    expect(list.allows('https://other.example.com')).toBe(false);
    expect(list.origins).toEqual(['https://app.example.com']);
  });

  it('allows any origin with *', () => {
    expect(originAllowList(['*']).allows('https://x.test')).toBe(true);
    expect(originAllowList(['*']).any).toBe(true);
  });

  it('allows none when empty, unless empty means any', () => {
    expect(originAllowList([]).allows('https://x.test')).toBe(false);
    expect(originAllowList([], { emptyAllowsAny: true }).allows('https://x.test')).toBe(true);
  });
});
