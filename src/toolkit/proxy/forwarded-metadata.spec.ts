import { forwardedMetadata } from './forwarded-metadata';

describe('forwardedMetadata', () => {
  it('forwards x-* headers and grpc-metadata-* keys, and nothing else', () => {
    expect(
      forwardedMetadata({
        headers: {
          'x-tenant': 'acme',
          'grpc-metadata-trace-flags': '01',
          authorization: 'Bearer abc',
          cookie: 'a=b',
          'content-type': 'application/json',
          host: 'gateway:8080',
        },
        ip: '10.0.0.9',
      }),
    ).toEqual({
      'x-tenant': 'acme',
      'trace-flags': '01',
      'x-forwarded-for': '10.0.0.9',
      'x-forwarded-host': 'gateway:8080',
    });
  });

  it('forwards the W3C trace context a client sent, and only printable values of it', () => {
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    expect(
      forwardedMetadata({
        headers: { traceparent, tracestate: 'vendor=a', baggage: 'user=1' },
      }),
    ).toEqual({ traceparent, tracestate: 'vendor=a' });
    expect(forwardedMetadata({ headers: { traceparent: 'bad\u0001value' } })).toEqual({});
  });

  it('never lets a client assert an identity or a request id; the verified one wins', () => {
    const metadata = forwardedMetadata({
      headers: {
        'x-user-id': 'mallory',
        'x-user-roles': 'admin',
        'grpc-metadata-x-user-id': 'mallory',
        'x-request-id': 'client-chosen',
      },
      identity: { subject: 'alice', roles: ['user'] },
    });
    expect(metadata).toEqual({ 'x-user-id': 'alice', 'x-user-roles': 'user' });
  });

  it('drops an unauthenticated identity entirely', () => {
    expect(forwardedMetadata({ headers: { 'x-user-id': 'mallory' } })).toEqual({});
  });

  it('appends the client to x-forwarded-for and keeps the original host', () => {
    expect(
      forwardedMetadata({
        headers: { 'x-forwarded-for': '203.0.113.7', 'x-forwarded-host': 'api.example.com' },
        ip: '10.0.0.9',
      }),
    ).toEqual({
      'x-forwarded-for': '203.0.113.7, 10.0.0.9',
      'x-forwarded-host': 'api.example.com',
    });
  });

  it('skips reserved, binary and non-ASCII entries instead of failing the call', () => {
    expect(
      forwardedMetadata({
        headers: {
          'grpc-metadata-grpc-timeout': '1S',
          'x-trace-bin': 'AAEC',
          'x-name': 'zoë',
          'x-list': ['a', 'b'],
        },
      }),
    ).toEqual({ 'x-list': 'a, b' });
  });
});

describe('forwardedMetadata header hygiene', () => {
  // Every name a client could use to break the shared backend channel, or to pose as someone.
  const forbidden = [
    'connection',
    'keep-alive',
    'proxy-connection',
    'transfer-encoding',
    'upgrade',
    'te',
    'trailer',
    'http2-settings',
    'host',
    'content-length',
    'content-type',
    'user-agent',
    'authorization',
    'proxy-authorization',
    'cookie',
    'grpc-timeout',
    'grpc-status',
    'x-user-id',
    'x-user-roles',
    'x-user-tenant',
    ':authority',
    ':path',
    'trace-bin',
    'Upper',
    'with space',
    '',
  ];

  it.each(forbidden)('drops Grpc-Metadata-%p and never throws', (name) => {
    const metadata = forwardedMetadata({
      headers: { [`grpc-metadata-${name}`]: 'x', [`x-${name}`]: 'y' },
    });
    expect(Object.keys(metadata)).not.toContain(name);
    expect(Object.keys(metadata)).not.toContain(name.toLowerCase());
  });

  it('keeps ordinary keys, and x-* forms of forbidden names are plain custom headers', () => {
    expect(
      forwardedMetadata({
        headers: { 'grpc-metadata-tenant': 'acme', 'x-connection': 'ok', 'x-te': 'ok' },
      }),
    ).toEqual({ tenant: 'acme', 'x-connection': 'ok', 'x-te': 'ok' });
  });

  it('drops values grpc-js would refuse: control bytes, tabs, non-ASCII', () => {
    expect(
      forwardedMetadata({
        headers: {
          'grpc-metadata-a': 'tab\there',
          'grpc-metadata-b': 'nul\0',
          'grpc-metadata-c': 'caf\xe9',
          'grpc-metadata-d': 'fine value',
        },
      }),
    ).toEqual({ d: 'fine value' });
  });

  it('every key it returns is one grpc-js Metadata accepts', () => {
    const { Metadata } = jest.requireActual<typeof import('@grpc/grpc-js')>('@grpc/grpc-js');
    const headers = Object.fromEntries(
      forbidden.flatMap((name) => [
        [`grpc-metadata-${name}`, 'v'],
        [`x-${name}`, 'v'],
      ]),
    );
    const metadata = new Metadata();
    for (const [key, value] of Object.entries(forwardedMetadata({ headers, ip: '10.0.0.1' }))) {
      expect(() => metadata.set(key, value)).not.toThrow();
    }
  });
});
