import { isIPv4, isIPv6 } from 'node:net';
import { utf8ByteLength } from './string-length';

/**
 * Well-known string formats with PGV's semantics (protoc-gen-validate's Go templates), so a value
 * is accepted here exactly when the Go toolkit would accept it.
 */

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** Dashed hex UUID, any case, version and variant not checked (nil UUID is valid). @publicApi */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** IPv4 dotted quad (no leading zeros), like Go's `net.ParseIP(...).To4() != nil`. @publicApi */
export function isIpv4(value: string): boolean {
  return isIPv4(value);
}

/** IPv6 address without a zone (`%eth0`), which Go's `net.ParseIP` rejects. @publicApi */
export function isIpv6(value: string): boolean {
  return !value.includes('%') && isIPv6(value);
}

/** Either IP version. @publicApi */
export function isIp(value: string): boolean {
  return isIpv4(value) || isIpv6(value);
}

const HOSTNAME_LABEL = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;

/**
 * RFC 1034 host name as PGV checks it: at most 253 bytes, one optional trailing dot, labels of
 * 1..63 ASCII letters, digits and inner hyphens (case-insensitive).
 * @publicApi
 */
export function isHostname(value: string): boolean {
  if (utf8ByteLength(value) > 253) return false;
  const labels = (value.endsWith('.') ? value.slice(0, -1) : value).toLowerCase().split('.');
  return labels.every((label) => label.length <= 63 && HOSTNAME_LABEL.test(label));
}

/** A host name or an IP address. @publicApi */
export function isAddress(value: string): boolean {
  return isHostname(value) || isIp(value);
}

const ATOM = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~\\-\\u0080-\\uffff]+";
const LOCAL_PART = new RegExp(`^(?:${ATOM}(?:\\.${ATOM})*|"(?:[^"\\\\\\r\\n]|\\\\.)*")$`);
const DISPLAY_NAME = new RegExp(`^(?:${ATOM}|"(?:[^"\\\\\\r\\n]|\\\\.)*"|[ \\t.])*$`);

/**
 * An RFC 5322 address as Go's `mail.ParseAddress` reads it (a bare `local@domain` or
 * `Name <local@domain>`), then PGV's limits: address at most 254 bytes, local part at most 64,
 * and the domain a valid host name (so no IP literals).
 * @publicApi
 */
export function isEmail(value: string): boolean {
  const trimmed = value.trim();
  let address = trimmed;
  if (trimmed.endsWith('>')) {
    const open = trimmed.lastIndexOf('<');
    if (open < 0 || !DISPLAY_NAME.test(trimmed.slice(0, open).trim())) return false;
    address = trimmed.slice(open + 1, -1);
  }
  const at = address.lastIndexOf('@');
  if (at <= 0 || utf8ByteLength(address) > 254) return false;
  const local = address.slice(0, at);
  const domain = address.slice(at + 1);
  return utf8ByteLength(local) <= 64 && LOCAL_PART.test(local) && isHostname(domain);
}

// RFC 3986 collected ABNF, section 3 / appendix A.
const UNRESERVED = 'A-Za-z0-9\\-._~';
const SUB_DELIMS = "!$&'()*+,;=";
const PCT = '%[0-9A-Fa-f]{2}';
const PCHAR = `(?:[${UNRESERVED}${SUB_DELIMS}:@]|${PCT})`;
const SEGMENT = `${PCHAR}*`;
const SEGMENT_NZ = `${PCHAR}+`;
const SEGMENT_NZ_NC = `(?:[${UNRESERVED}${SUB_DELIMS}@]|${PCT})+`;
const USERINFO = `(?:[${UNRESERVED}${SUB_DELIMS}:]|${PCT})*`;
const REG_NAME = `(?:[${UNRESERVED}${SUB_DELIMS}]|${PCT})*`;
const IP_LITERAL = `\\[([^\\]]*)\\]`;
const AUTHORITY = `(?:${USERINFO}@)?(?:${IP_LITERAL}|${REG_NAME})(?::[0-9]*)?`;
const PATH_ABEMPTY = `(?:/${SEGMENT})*`;
const PATH_ABSOLUTE = `/(?:${SEGMENT_NZ}(?:/${SEGMENT})*)?`;
const PATH_ROOTLESS = `${SEGMENT_NZ}(?:/${SEGMENT})*`;
const PATH_NOSCHEME = `${SEGMENT_NZ_NC}(?:/${SEGMENT})*`;
const QUERY_OR_FRAGMENT = `(?:${PCHAR}|[/?])*`;
const TAIL = `(?:\\?${QUERY_OR_FRAGMENT})?(?:#${QUERY_OR_FRAGMENT})?`;
const SCHEME = '[A-Za-z][A-Za-z0-9+.\\-]*';

const ABSOLUTE_URI = new RegExp(
  `^${SCHEME}:(?://${AUTHORITY}${PATH_ABEMPTY}|${PATH_ABSOLUTE}|${PATH_ROOTLESS}|)${TAIL}$`,
);
const RELATIVE_REF = new RegExp(
  `^(?://${AUTHORITY}${PATH_ABEMPTY}|${PATH_ABSOLUTE}|${PATH_NOSCHEME}|)${TAIL}$`,
);
const IP_FUTURE = new RegExp(`^v[0-9A-Fa-f]+\\.[${UNRESERVED}${SUB_DELIMS}:]+$`);

function matchesWithValidIpLiteral(pattern: RegExp, value: string): boolean {
  const match = pattern.exec(value);
  if (!match) return false;
  const literal = match[1];
  return literal === undefined || isIpv6(literal) || IP_FUTURE.test(literal);
}

/** An absolute URI (RFC 3986: scheme required). @publicApi */
export function isUri(value: string): boolean {
  return matchesWithValidIpLiteral(ABSOLUTE_URI, value);
}

/** A URI reference: an absolute URI or a relative reference (RFC 3986 section 4.1). @publicApi */
export function isUriRef(value: string): boolean {
  return isUri(value) || matchesWithValidIpLiteral(RELATIVE_REF, value);
}
