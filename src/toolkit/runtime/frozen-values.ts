/**
 * Freezes `value` and every object and array reachable from it, then returns it: a value handed
 * to many readers at once (one parsed fan-out frame, one decoded message written to every
 * subscriber's stream) cannot then be changed by one of them under the others' feet, and the gRPC
 * server may encode it once for all of them (`encodeFrozenOnce`). Byte arrays are left as they
 * are (typed arrays with elements cannot be frozen), so a value holding one never counts as
 * deeply frozen.
 * @publicApi
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  if (Object.isFrozen(value) || ArrayBuffer.isView(value)) return value;
  Object.freeze(value);
  for (const nested of Object.values(value)) deepFreeze(nested);
  return value;
}

/**
 * Whether neither `value` nor anything reachable from it can change any more. Freezing is for
 * good: once true, true for the value's whole life.
 * @internal
 */
export function isDeeplyFrozen(value: object): boolean {
  if (!Object.isFrozen(value)) return false;
  for (const nested of Object.values(value)) {
    if (typeof nested === 'object' && nested !== null && !isDeeplyFrozen(nested)) return false;
  }
  return true;
}

/**
 * `encode`, remembering the result for each deeply frozen object it is given (weakly: for as long
 * as the object lives), so that a message fanned out to many streams is encoded once. Anything
 * that can still change is encoded on every call.
 * @internal
 */
export function encodeFrozenOnce<Encoded>(
  encode: (value: unknown) => Encoded,
): (value: unknown) => Encoded {
  const encoded = new WeakMap<object, Encoded>();
  return (value) => {
    if (typeof value !== 'object' || value === null) return encode(value);
    const known = encoded.get(value);
    if (known !== undefined) return known;
    const result = encode(value);
    if (isDeeplyFrozen(value)) encoded.set(value, result);
    return result;
  };
}
