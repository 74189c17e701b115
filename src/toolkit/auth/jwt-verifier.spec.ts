import { generateKeyPairSync, KeyObject } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, JWTPayload, SignJWT, UnsecuredJWT } from 'jose';
import { ConfigLoader } from '../config';
import { authConfig, AuthConfig } from './auth.config';
import { InvalidTokenError } from './invalid-token.error';
import { resolveJwtVerifierOptions } from './jwt-key-source';
import { JwtVerifier } from './jwt-verifier';

const SECRET = 'a-test-secret-that-is-long-enough-for-hs256';
const OTHER_SECRET = 'another-secret-that-is-long-enough-for-hs256';
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const otherRsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const rsaPem = rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString();

function config(env: Record<string, string>): AuthConfig {
  const loader = new ConfigLoader('GW', env);
  const values = loader.load(authConfig);
  loader.assertValid();
  return values;
}

function verifier(env: Record<string, string>): JwtVerifier {
  return new JwtVerifier(resolveJwtVerifierOptions(config(env), 'GW'));
}

const now = () => Math.floor(Date.now() / 1000);

function claims(overrides: JWTPayload = {}): JWTPayload {
  return { sub: 'user-1', roles: ['admin'], jti: 'token-1', exp: now() + 300, ...overrides };
}

function hs256(payload: JWTPayload = claims(), secret = SECRET, alg = 'HS256'): Promise<string> {
  return new SignJWT(payload).setProtectedHeader({ alg }).sign(new TextEncoder().encode(secret));
}

function rs256(
  payload: JWTPayload = claims(),
  key: KeyObject = rsa.privateKey,
  kid?: string,
): Promise<string> {
  return new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid }).sign(key);
}

async function rejection(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidTokenError);
    return (error as InvalidTokenError).message;
  }
  throw new Error('the token was accepted');
}

describe('JwtVerifier with a maximum token lifetime', () => {
  const capped = verifier({ GW_AUTH_JWT_SECRET: SECRET, GW_AUTH_JWT_MAX_LIFETIME: '15m' });

  it('accepts a fresh token and ends it at iat + lifetime when exp is later', async () => {
    const iat = now() - 60;
    const identity = await capped.verify(await hs256(claims({ iat, exp: now() + 86_400 })));
    expect(identity.expiresAt).toBe(iat + 900);
  });

  it('keeps exp when it comes first', async () => {
    const exp = now() + 60;
    expect((await capped.verify(await hs256(claims({ iat: now(), exp })))).expiresAt).toBe(exp);
  });

  it('refuses a token older than the lifetime, one without iat, and one issued in the future', async () => {
    expect(
      await rejection(capped.verify(await hs256(claims({ iat: now() - 3600, exp: now() + 600 })))),
    ).toBe('token expired');
    expect(await rejection(capped.verify(await hs256(claims())))).toBe('token has no iat claim');
    expect(
      await rejection(capped.verify(await hs256(claims({ iat: now() + 3600, exp: now() + 7200 })))),
    ).toBe('token iat claim not accepted');
  });

  it('refuses a lifetime under one second at start-up', () => {
    expect(() =>
      resolveJwtVerifierOptions(
        config({ GW_AUTH_JWT_SECRET: SECRET, GW_AUTH_JWT_MAX_LIFETIME: '500ms' }),
        'GW',
      ),
    ).toThrow('GW_AUTH_JWT_MAX_LIFETIME must be at least 1s');
  });
});

describe('JwtVerifier with an HS256 secret', () => {
  const hs = verifier({ GW_AUTH_JWT_SECRET: SECRET });

  it('accepts a valid token and returns the caller', async () => {
    const exp = now() + 300;
    await expect(hs.verify(await hs256(claims({ exp })))).resolves.toEqual({
      subject: 'user-1',
      roles: ['admin'],
      tokenId: 'token-1',
      expiresAt: exp,
    });
  });

  it('gives no roles when the claim is absent', async () => {
    const identity = await hs.verify(await hs256({ sub: 'user-2', jti: 'j', exp: now() + 60 }));
    expect(identity.roles).toEqual([]);
    expect(identity.tokenId).toBe('j');
  });

  it('refuses a token without jti, or with an empty or non-string one: it could never be revoked', async () => {
    expect(await rejection(hs.verify(await hs256(claims({ jti: undefined }))))).toBe(
      'token has no jti claim',
    );
    for (const jti of ['', 42]) {
      expect(
        await rejection(hs.verify(await hs256(claims({ jti } as unknown as JWTPayload)))),
      ).toMatch(/jti claim/);
    }
  });

  it('rejects malformed tokens', async () => {
    expect(await rejection(hs.verify('not-a-jwt'))).toBe('malformed token');
    expect(await rejection(hs.verify('a.b.c'))).toBe('malformed token');
  });

  it('rejects a token signed with another secret', async () => {
    expect(await rejection(hs.verify(await hs256(claims(), OTHER_SECRET)))).toBe(
      'token signature invalid',
    );
  });

  it('rejects a token whose payload was altered after signing', async () => {
    const [header, , signature] = (await hs256()).split('.');
    const forged = Buffer.from(JSON.stringify(claims({ sub: 'someone-else' }))).toString(
      'base64url',
    );
    expect(await rejection(hs.verify(`${header}.${forged}.${signature}`))).toBe(
      'token signature invalid',
    );
  });

  it('rejects an unsecured token (alg none)', async () => {
    const unsigned = new UnsecuredJWT(claims()).encode();
    expect(await rejection(hs.verify(unsigned))).toBe('token algorithm not allowed');
  });

  it('rejects an RS256 token (algorithm confusion)', async () => {
    expect(await rejection(hs.verify(await rs256()))).toBe('token algorithm not allowed');
  });

  it('rejects an HS512 token when only HS256 is pinned', async () => {
    expect(await rejection(hs.verify(await hs256(claims(), SECRET, 'HS512')))).toBe(
      'token algorithm not allowed',
    );
  });

  it('rejects an expired token, beyond the clock tolerance', async () => {
    expect(await rejection(hs.verify(await hs256(claims({ exp: now() - 120 }))))).toBe(
      'token expired',
    );
  });

  it('accepts a token expired within the clock tolerance', async () => {
    await expect(hs.verify(await hs256(claims({ exp: now() - 5 })))).resolves.toMatchObject({
      subject: 'user-1',
    });
  });

  it('rejects a token that is not valid yet (nbf in the future)', async () => {
    expect(await rejection(hs.verify(await hs256(claims({ nbf: now() + 600 }))))).toBe(
      'token not yet valid',
    );
  });

  it('rejects tokens without exp or sub', async () => {
    expect(await rejection(hs.verify(await hs256({ sub: 'user-1', jti: 'j' })))).toBe(
      'token has no exp claim',
    );
    expect(await rejection(hs.verify(await hs256({ exp: now() + 60, jti: 'j' })))).toBe(
      'token has no sub claim',
    );
  });

  it('rejects a roles claim that is not a list of strings', async () => {
    expect(await rejection(hs.verify(await hs256(claims({ roles: 'admin' }))))).toBe(
      'token claim roles is not a list of strings',
    );
  });
});

describe('JwtVerifier issuer and audience', () => {
  const strict = verifier({
    GW_AUTH_JWT_SECRET: SECRET,
    GW_AUTH_JWT_ISSUER: 'https://issuer.test',
    GW_AUTH_JWT_AUDIENCE: 'api-gateway,other',
  });

  it('accepts the configured issuer and any configured audience', async () => {
    const token = await hs256(claims({ iss: 'https://issuer.test', aud: 'other' }));
    await expect(strict.verify(token)).resolves.toMatchObject({ subject: 'user-1' });
  });

  it('rejects another issuer or audience', async () => {
    expect(
      await rejection(
        strict.verify(await hs256(claims({ iss: 'https://evil.test', aud: 'api-gateway' }))),
      ),
    ).toBe('token iss claim not accepted');
    expect(
      await rejection(
        strict.verify(await hs256(claims({ iss: 'https://issuer.test', aud: 'nobody' }))),
      ),
    ).toBe('token aud claim not accepted');
  });
});

describe('JwtVerifier with an RS256 public key', () => {
  const rs = verifier({ GW_AUTH_JWT_PUBLIC_KEY: rsaPem });

  it('accepts a token signed with the matching private key', async () => {
    await expect(rs.verify(await rs256())).resolves.toMatchObject({
      subject: 'user-1',
      roles: ['admin'],
    });
  });

  it('rejects a token signed with another private key', async () => {
    expect(await rejection(rs.verify(await rs256(claims(), otherRsa.privateKey)))).toBe(
      'token signature invalid',
    );
  });

  it('rejects an HS256 token, even one keyed with the public key text (algorithm confusion)', async () => {
    expect(await rejection(rs.verify(await hs256(claims(), rsaPem)))).toBe(
      'token algorithm not allowed',
    );
  });

  it('rejects alg none', async () => {
    expect(await rejection(rs.verify(new UnsecuredJWT(claims()).encode()))).toBe(
      'token algorithm not allowed',
    );
  });

  it('reads the key from a PEM file path', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'jwt-')), 'public.pem');
    writeFileSync(path, rsaPem);
    const fromFile = verifier({ GW_AUTH_JWT_PUBLIC_KEY: path });
    await expect(fromFile.verify(await rs256())).resolves.toMatchObject({ subject: 'user-1' });
  });
});

describe('JwtVerifier with a JWKS file', () => {
  let jwks: JwtVerifier;

  beforeAll(async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'jwks-')), 'jwks.json');
    const keys = [
      { ...(await exportJWK(rsa.publicKey)), kid: 'key-1', alg: 'RS256' },
      { ...(await exportJWK(otherRsa.publicKey)), kid: 'key-2', alg: 'RS256' },
    ];
    writeFileSync(path, JSON.stringify({ keys }));
    jwks = verifier({ GW_AUTH_JWKS_FILE: path });
  });

  it('selects the key by kid', async () => {
    await expect(
      jwks.verify(await rs256(claims(), rsa.privateKey, 'key-1')),
    ).resolves.toMatchObject({
      subject: 'user-1',
    });
    await expect(
      jwks.verify(await rs256(claims(), otherRsa.privateKey, 'key-2')),
    ).resolves.toMatchObject({
      subject: 'user-1',
    });
  });

  it('rejects a kid the set does not hold, and a signature by the wrong key of the set', async () => {
    expect(await rejection(jwks.verify(await rs256(claims(), rsa.privateKey, 'key-9')))).toBe(
      'token signing key unknown',
    );
    expect(await rejection(jwks.verify(await rs256(claims(), otherRsa.privateKey, 'key-1')))).toBe(
      'token signature invalid',
    );
  });

  it('rejects an HS256 token', async () => {
    expect(await rejection(jwks.verify(await hs256()))).toBe('token algorithm not allowed');
  });
});

describe('resolveJwtVerifierOptions', () => {
  it('needs exactly one key source', () => {
    expect(() => resolveJwtVerifierOptions(config({}), 'GW')).toThrow(
      'auth needs exactly one of GW_AUTH_JWT_SECRET, GW_AUTH_JWT_PUBLIC_KEY, GW_AUTH_JWKS_FILE (0 set)',
    );
    expect(() =>
      resolveJwtVerifierOptions(
        config({ GW_AUTH_JWT_SECRET: SECRET, GW_AUTH_JWT_PUBLIC_KEY: rsaPem }),
        'GW',
      ),
    ).toThrow('(2 set)');
  });

  it('refuses a secret shorter than 32 bytes', () => {
    expect(() => resolveJwtVerifierOptions(config({ GW_AUTH_JWT_SECRET: 'short' }), 'GW')).toThrow(
      'GW_AUTH_JWT_SECRET must be at least 32 bytes long',
    );
  });

  it('refuses algorithms that do not fit the key', () => {
    expect(() =>
      resolveJwtVerifierOptions(
        config({ GW_AUTH_JWT_PUBLIC_KEY: rsaPem, GW_AUTH_JWT_ALGORITHMS: 'RS256,HS256' }),
        'GW',
      ),
    ).toThrow('GW_AUTH_JWT_ALGORITHMS: HS256 cannot be used with a public key');
    expect(() =>
      resolveJwtVerifierOptions(
        config({ GW_AUTH_JWT_SECRET: SECRET, GW_AUTH_JWT_ALGORITHMS: 'none' }),
        'GW',
      ),
    ).toThrow('GW_AUTH_JWT_ALGORITHMS: none cannot be used with a shared secret');
  });

  it('names unreadable or invalid key files', () => {
    expect(() =>
      resolveJwtVerifierOptions(config({ GW_AUTH_JWT_PUBLIC_KEY: '/nonexistent/key.pem' }), 'GW'),
    ).toThrow('GW_AUTH_JWT_PUBLIC_KEY: cannot read /nonexistent/key.pem');
    const path = join(mkdtempSync(join(tmpdir(), 'jwks-')), 'bad.json');
    writeFileSync(path, JSON.stringify({ notKeys: true }));
    expect(() => resolveJwtVerifierOptions(config({ GW_AUTH_JWKS_FILE: path }), 'GW')).toThrow(
      `GW_AUTH_JWKS_FILE: ${path} is not a JWKS`,
    );
  });
});

describe('JwtVerifier remembering verified tokens', () => {
  it('accepts a known token again until its exp, then refuses it as expired', async () => {
    const remembering = verifier({ GW_AUTH_JWT_SECRET: SECRET });
    const exp = now() + 30;
    const token = await hs256(claims({ exp }));
    await expect(remembering.verify(token)).resolves.toMatchObject({ subject: 'user-1' });
    await expect(remembering.verify(token)).resolves.toMatchObject({ expiresAt: exp });
    // Fakes Date for jose too (its clock is `new Date()`).
    jest.useFakeTimers({ now: (exp + 120) * 1000, doNotFake: ['nextTick', 'setImmediate'] });
    try {
      expect(await rejection(remembering.verify(token))).toBe('token expired');
    } finally {
      jest.useRealTimers();
    }
  });

  it('remembers a refusal never: a tampered copy of a known token is refused', async () => {
    const remembering = verifier({ GW_AUTH_JWT_SECRET: SECRET });
    const token = await hs256();
    await remembering.verify(token);
    const tampered = `${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`;
    expect(await rejection(remembering.verify(tampered))).toBe('token signature invalid');
  });
});

describe('JwtVerifier.remembered', () => {
  it('answers a token verified before without a promise, never an unknown or tampered one', async () => {
    const remembering = verifier({ GW_AUTH_JWT_SECRET: SECRET });
    const token = await hs256();
    expect(remembering.remembered(token)).toBeUndefined();
    await remembering.verify(token);
    expect(remembering.remembered(token)).toMatchObject({ subject: 'user-1', tokenId: 'token-1' });
    expect(remembering.remembered(`${token.slice(0, -2)}AA`)).toBeUndefined();
  });
});
