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
