import { deepFreeze, isDeeplyFrozen } from './frozen-values';

describe('deepFreeze / isDeeplyFrozen', () => {
  it('freezes nested objects and arrays, so that no reader can change what others read', () => {
    const message = deepFreeze({ id: 'm1', timestamp: { seconds: '1', nanos: 0 }, tags: ['a'] });
    expect(() => {
      (message.timestamp as { nanos: number }).nanos = 5;
    }).toThrow(TypeError);
    expect(Object.isFrozen(message.tags)).toBe(true);
    expect(isDeeplyFrozen(message)).toBe(true);
  });

  it('does not count a value as deeply frozen while anything inside it can still change', () => {
    expect(isDeeplyFrozen({ id: 'm1' })).toBe(false);
    expect(isDeeplyFrozen(Object.freeze({ timestamp: { seconds: '1' } }))).toBe(false);
    // Byte arrays with elements cannot be frozen: a message holding one is never shared bytes.
    const withBytes = deepFreeze({ data: Buffer.from('abc') });
    expect(Object.isFrozen(withBytes)).toBe(true);
    expect(isDeeplyFrozen(withBytes)).toBe(false);
  });

  it('returns primitives and null unchanged', () => {
    expect(deepFreeze('text')).toBe('text');
    expect(deepFreeze(null)).toBeNull();
  });
});
