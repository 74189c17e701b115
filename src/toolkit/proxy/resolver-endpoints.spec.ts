import { parseResolverEndpoints, RoundRobin } from './resolver-endpoints';

describe('parseResolverEndpoints', () => {
  it('groups addresses by name, keeping order and dropping repeats', () => {
    const endpoints = parseResolverEndpoints([
      'user-service=127.0.0.1:9081',
      'chat-service=chat.internal:9083',
      'user-service=10.0.0.2:9081',
      'user-service=127.0.0.1:9081',
      'v6=[::1]:9090',
    ]);
    expect(Object.fromEntries(endpoints)).toEqual({
      'user-service': ['127.0.0.1:9081', '10.0.0.2:9081'],
      'chat-service': ['chat.internal:9083'],
      v6: ['[::1]:9090'],
    });
  });

  it('names every malformed item at once', () => {
    expect(() =>
      parseResolverEndpoints(['user-service', 'a=host', 'b=host:70000', 'ok=host:1']),
    ).toThrow(
      'resolver endpoints: "user-service" is not name=host:port; "a=host" is not name=host:port; "b=host:70000" is not name=host:port',
    );
  });
});

describe('RoundRobin', () => {
  it('hands out items in turn', () => {
    const rotation = new RoundRobin(['a', 'b', 'c']);
    expect([1, 2, 3, 4, 5].map(() => rotation.pick())).toEqual(['a', 'b', 'c', 'a', 'b']);
  });

  it('refuses an empty list', () => {
    expect(() => new RoundRobin([])).toThrow('round robin over nothing');
  });
});
