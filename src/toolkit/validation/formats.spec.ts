import {
  isAddress,
  isEmail,
  isHostname,
  isIp,
  isIpv4,
  isIpv6,
  isUri,
  isUriRef,
  isUuid,
} from './formats';

describe('isUuid', () => {
  it.each([
    '00000000-0000-0000-0000-000000000000',
    'b45c0c80-8880-11e9-a5b1-000000000000',
    'A3BB189E-8BF9-3888-9912-ACE4E6543002',
    '8b208305-00e8-4460-a440-5e0dcd83bb0a',
  ])('accepts %s', (value) => expect(isUuid(value)).toBe(true));

  it.each([
    '',
    'foobar',
    '8b20830500e84460a4405e0dcd83bb0a',
    'ffffffff-ffff-ffff-ffff-fffffffffffff',
    ' 8b208305-00e8-4460-a440-5e0dcd83bb0a',
    '8b208305-00e8-4460-a440-5e0dcd83bb0a\n',
    '{8b208305-00e8-4460-a440-5e0dcd83bb0a}',
    'g0000000-0000-0000-0000-000000000000',
  ])('rejects %j', (value) => expect(isUuid(value)).toBe(false));
});

describe('IP addresses', () => {
  it.each(['1.2.3.4', '0.0.0.0', '255.255.255.255'])('accepts IPv4 %s', (value) => {
    expect(isIpv4(value)).toBe(true);
    expect(isIp(value)).toBe(true);
    expect(isIpv6(value)).toBe(false);
  });

  it.each(['::', '::1', '2001:db8::1', '::ffff:1.2.3.4'])('accepts IPv6 %s', (value) => {
    expect(isIpv6(value)).toBe(true);
    expect(isIp(value)).toBe(true);
    expect(isIpv4(value)).toBe(false);
  });

  it.each([
    '',
    '1.2.3',
    '256.1.1.1',
    '01.1.1.1',
    ' 1.1.1.1',
    'fe80::1%eth0',
    '1::2::3',
    'example.com',
  ])('rejects %j', (value) => expect(isIp(value)).toBe(false));
});

describe('isHostname', () => {
  it.each(['example.com', 'EXAMPLE.com', 'a', 'example.com.', 'a-b.c0', `${'a'.repeat(63)}.com`])(
    'accepts %s',
    (value) => expect(isHostname(value)).toBe(true),
  );

  it.each([
    '',
    '.',
    'a..b',
    '-a.com',
    'a-.com',
    'a_b.com',
    'exämple.com',
    `${'a'.repeat(64)}.com`,
    `${'a.'.repeat(127)}ab`,
  ])('rejects %j', (value) => expect(isHostname(value)).toBe(false));
});

describe('isAddress', () => {
  it('accepts host names and IPs, rejects anything else', () => {
    expect(isAddress('example.com')).toBe(true);
    expect(isAddress('::1')).toBe(true);
    expect(isAddress('1.2.3.4')).toBe(true);
    expect(isAddress('not a host')).toBe(false);
  });
});

describe('isEmail', () => {
  it.each([
    'ann@example.com',
    'first.last+tag@sub.example.co',
    'Ann Smith <ann@example.com>',
    '"quoted name"@example.com',
  ])('accepts %s', (value) => expect(isEmail(value)).toBe(true));

  it.each([
    '',
    'ann',
    '@example.com',
    'ann@',
    'ann@exa mple.com',
    'ann@-example.com',
    'ann@[127.0.0.1]',
    '.ann@example.com',
    'a..b@example.com',
    `${'a'.repeat(65)}@example.com`,
    // 256 bytes in all although the 253-byte domain alone is a valid host name.
    `aa@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}.${'e'.repeat(61)}`,
    'Ann <ann@example.com',
  ])('rejects %j', (value) => expect(isEmail(value)).toBe(false));
});

describe('isUri / isUriRef', () => {
  it.each([
    'https://example.com',
    'https://user:pw@example.com:8080/a/b?q=1&r=%20#frag',
    'mailto:ann@example.com',
    'urn:isbn:0451450523',
    'http://[::1]:80/',
    'file:///etc/hosts',
  ])('accepts the absolute URI %s as both', (value) => {
    expect(isUri(value)).toBe(true);
    expect(isUriRef(value)).toBe(true);
  });

  it.each(['/a/b?c#d', 'a/b', '//example.com/x', '?q', '#f', ''])(
    'accepts the relative reference %j only as a reference',
    (value) => {
      expect(isUri(value)).toBe(false);
      expect(isUriRef(value)).toBe(true);
    },
  );

  it.each([
    'http://exa mple.com',
    'http://example.com/%zz',
    'http://[::g]/',
    'a:b:c d',
    '1http://x',
  ])('rejects %j as a URI', (value) => expect(isUri(value)).toBe(false));

  it.each(['a b', '%', ':no-scheme', 'http://[1.2.3.4]/'])('rejects %j as a reference', (value) =>
    expect(isUriRef(value)).toBe(false),
  );
});
