/**
 * protojson for loader-shaped messages, driven by the generated descriptors.
 *
 * Hand-written on purpose: ts-proto's `fromJSON` coerces instead of rejecting (`Number("abc")`
 * becomes NaN, a number becomes a string) and its `toJSON` drops default values, while
 * protobuf-es's codec works on its own message classes, not on the plain loader-shaped objects
 * handlers receive and return.
 */
export { ProtoJsonError } from './protojson-error';
export { decodeJson, DecodeJsonOptions, MAX_DEPTH } from './decode';
export { encodeJson, EncodeJsonOptions } from './encode';
export { applyPathAndQuery } from './path-query';
