import { compileUpgradeRoute } from './upgrade-route';

describe('compileUpgradeRoute', () => {
  const join = compileUpgradeRoute('/chat/rooms/{room_id}/join');

  it('captures and decodes parameters', () => {
    expect(join.match('/chat/rooms/a%20b/join')).toEqual({ params: { room_id: 'a b' } });
    expect(join.match('/chat/rooms/a%2Fb/join')).toEqual({ params: { room_id: 'a/b' } });
  });

  it('does not match other paths, empty segments or extra segments', () => {
    expect(join.match('/chat/rooms/1/leave')).toBeUndefined();
    expect(join.match('/chat/rooms//join')).toBeUndefined();
    expect(join.match('/chat/rooms/1/join/more')).toBeUndefined();
    expect(join.match('chat/rooms/1/join')).toBeUndefined();
  });

  it('matches literals only as sent, not re-encoded', () => {
    expect(join.match('/ch%61t/rooms/1/join')).toBeUndefined();
    expect(join.match('/chat/rooms/1/j%6Fin')).toBeUndefined();
  });

  it('reports bad percent-encoding instead of throwing', () => {
    expect(join.match('/chat/rooms/%E0%A4%A/join')).toEqual({
      invalid: 'path segment "%E0%A4%A" is not valid percent-encoding',
    });
  });

  it('matches a verb after the last segment', () => {
    const cancel = compileUpgradeRoute('/streams/{id}:watch');
    expect(cancel.match('/streams/7:watch')).toEqual({ params: { id: '7' } });
    expect(cancel.match('/streams/7')).toBeUndefined();
  });

  it('gives templates that match the same paths the same shape', () => {
    expect(compileUpgradeRoute('/chat/rooms/{id=*}/join').shape).toBe(join.shape);
    expect(compileUpgradeRoute('/chat/rooms/{id}/leave').shape).not.toBe(join.shape);
  });

  it('rejects templates it cannot serve', () => {
    expect(() => compileUpgradeRoute('chat/{id}')).toThrow('must start with "/"');
    expect(() => compileUpgradeRoute('/chat/{id=**}')).toThrow('may only bind one segment');
    expect(() => compileUpgradeRoute('/chat/{id=rooms/*}')).toThrow('may only bind one segment');
  });
});
