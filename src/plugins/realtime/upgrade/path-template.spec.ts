import { compilePathTemplate } from './path-template';

describe('compilePathTemplate', () => {
  const join = compilePathTemplate('/chat/rooms/{room_id}/join');

  it('captures and decodes parameters', () => {
    expect(join.match('/chat/rooms/a%20b/join')).toEqual({ params: { room_id: 'a b' } });
  });

  it('does not match other paths, empty segments or extra segments', () => {
    expect(join.match('/chat/rooms/1/leave')).toBeUndefined();
    expect(join.match('/chat/rooms//join')).toBeUndefined();
    expect(join.match('/chat/rooms/1/join/more')).toBeUndefined();
    expect(join.match('chat/rooms/1/join')).toBeUndefined();
  });

  it('reports bad percent-encoding instead of throwing', () => {
    expect(join.match('/chat/rooms/%E0%A4%A/join')).toEqual({
      invalid: 'path segment "%E0%A4%A" is not valid percent-encoding',
    });
  });

  it('gives templates that match the same paths the same shape', () => {
    expect(compilePathTemplate('/chat/rooms/{id=*}/join').shape).toBe(join.shape);
    expect(compilePathTemplate('/chat/rooms/{id}/leave').shape).not.toBe(join.shape);
  });

  it('rejects templates it cannot serve', () => {
    expect(() => compilePathTemplate('chat/{id}')).toThrow('must start with /');
    expect(() => compilePathTemplate('/chat/{id=**}')).toThrow('unsupported segment "{id=**}"');
  });
});
