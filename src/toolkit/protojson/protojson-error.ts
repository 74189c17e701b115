/**
 * A request value that cannot be read as the proto type: malformed JSON types, out-of-range
 * numbers, bad enum names, bad timestamps... The runtime renders it as 400 / INVALID_ARGUMENT with
 * one field violation (`field`, `reason`).
 * @publicApi
 */
export class ProtoJsonError extends Error {
  override readonly name = 'ProtoJsonError';

  constructor(
    /** Proto-name path of the offending value (`''` for the request itself), e.g. `tags[1]`. */
    readonly field: string,
    /** What is wrong, e.g. `expected a string, got number`. */
    readonly reason: string,
  ) {
    super(field === '' ? reason : `invalid value for field ${field}: ${reason}`);
  }
}

/** `string`, `number`, `array`, `null`... for error messages. @internal */
export function describeJsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}
