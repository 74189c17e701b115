import { FieldViolation } from '../descriptor/types';

/** A rule failure for `field`; `rule` is the protovalidate-style id (`string.min_len`). @publicApi */
export function violation(field: string, rule: string, description: string): FieldViolation {
  return { field, rule, description };
}

/** Path of field `name` inside `parent` (`''` for the root): `address.city`. @publicApi */
export function fieldPath(parent: string, name: string): string {
  return parent === '' ? name : `${parent}.${name}`;
}

/** Path of a repeated element: `tags[2]`. @publicApi */
export function indexPath(parent: string, index: number): string {
  return `${parent}[${index}]`;
}

/** Path of a map entry, key JSON-quoted so any key stays unambiguous: `metadata["k"]`. @publicApi */
export function keyPath(parent: string, key: string): string {
  return `${parent}[${JSON.stringify(key)}]`;
}
