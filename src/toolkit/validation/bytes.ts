/**
 * Byte-string checks of `(validate.rules).bytes` with PGV's semantics: operands are compared as
 * bytes (never as decoded text), and ip/ipv4/ipv6 look at the raw address bytes, as Go's net.IP.
 */

/** Exact byte equality. @publicApi */
export function bytesEqual(value: Uint8Array, other: Uint8Array): boolean {
  return value.length === other.length && value.every((byte, index) => byte === other[index]);
}

/** @publicApi */
export function bytesHasPrefix(value: Uint8Array, prefix: Uint8Array): boolean {
  return prefix.length <= value.length && bytesEqual(value.subarray(0, prefix.length), prefix);
}

/** @publicApi */
export function bytesHasSuffix(value: Uint8Array, suffix: Uint8Array): boolean {
  return (
    suffix.length <= value.length &&
    bytesEqual(value.subarray(value.length - suffix.length), suffix)
  );
}

/** @publicApi */
export function bytesContains(value: Uint8Array, part: Uint8Array): boolean {
  const view = (bytes: Uint8Array): Buffer =>
    Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return view(value).includes(view(part));
}

/** Whether `value` equals one of `list`. @publicApi */
export function bytesIn(value: Uint8Array, list: readonly Uint8Array[]): boolean {
  return list.some((item) => bytesEqual(value, item));
}

const UTF8 = new TextDecoder('utf-8');

/**
 * The bytes read as UTF-8 text for a `pattern` rule: Go's regexp matches bytes as UTF-8, with an
 * invalid sequence read as U+FFFD, which is what TextDecoder does too.
 * @publicApi
 */
export function bytesAsText(value: Uint8Array): string {
  return UTF8.decode(value);
}

/** A 16-byte address of the form ::ffff:a.b.c.d (Go's To4() is non-nil for it). */
function isIpv4Mapped(value: Uint8Array): boolean {
  return (
    value.length === 16 &&
    value.subarray(0, 10).every((byte) => byte === 0) &&
    value[10] === 0xff &&
    value[11] === 0xff
  );
}

/** 4 or 16 bytes (Go: `net.IP(b).To16() != nil`). @publicApi */
export function isIpBytes(value: Uint8Array): boolean {
  return value.length === 4 || value.length === 16;
}

/** 4 bytes, or 16 bytes holding an IPv4-mapped address (Go: `To4() != nil`). @publicApi */
export function isIpv4Bytes(value: Uint8Array): boolean {
  return value.length === 4 || isIpv4Mapped(value);
}

/** 16 bytes that are not an IPv4-mapped address (Go: `To16() != nil && To4() == nil`). @publicApi */
export function isIpv6Bytes(value: Uint8Array): boolean {
  return value.length === 16 && !isIpv4Mapped(value);
}
