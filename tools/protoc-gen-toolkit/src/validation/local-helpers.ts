/**
 * Conversions the generated validators apply to message values, which are `unknown` at run time.
 * A plain proto3 field that is absent counts as its zero value (PGV checks it anyway); the
 * transport decoders have already rejected values of the wrong type.
 */
export const LOCAL_HELPERS = {
  asString: `function asString(value: unknown): string {
  return typeof value === 'string' ? value : value == null ? '' : String(value);
}`,
  asNumber: `function asNumber(value: unknown): number {
  return typeof value === 'number' ? value : value == null ? 0 : Number(value);
}`,
  asBigInt: `function asBigInt(value: unknown): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') return BigInt(Math.trunc(value));
  if (typeof value === 'string' && /^[-+]?\\d+$/.test(value.trim())) return BigInt(value.trim());
  return 0n;
}`,
  asBytes: `function asBytes(value: unknown): Uint8Array {
  return value instanceof Uint8Array ? value : new Uint8Array(0);
}`,
  asEnumNumber: `function asEnumNumber(value: unknown, numbers: Readonly<Record<string, number>>): number | undefined {
  if (typeof value === 'number') return value;
  if (value == null) return 0;
  return Object.prototype.hasOwnProperty.call(numbers, String(value)) ? numbers[String(value)] : undefined;
}`,
  asRecord: `function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}`,
  asList: `function asList(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}`,
  asEntries: `function asEntries(value: unknown): [string, unknown][] {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? Object.entries(value) : [];
}`,
} as const;

export type LocalHelper = keyof typeof LOCAL_HELPERS;
