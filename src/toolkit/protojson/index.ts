/**
 * protojson for loader-shaped messages, driven by the generated descriptors.
 *
 * Hand-written on purpose: ts-proto's `fromJSON` coerces instead of rejecting (`Number("abc")`
 * becomes NaN, a number becomes a string) and its `toJSON` drops default values, while
 * protobuf-es's codec works on its own message classes, not on the plain loader-shaped objects
 * handlers receive and return. Checked against protobuf's own conformance suite
 * (test/e2e/protojson-conformance.e2e-spec.ts); google.protobuf.Any is packed with binary.ts, a
 * descriptor-driven walk over @bufbuild/protobuf's wire primitives.
 */
export { ProtoJsonError } from './protojson-error';
export { decodeJson, DecodeJsonOptions, MAX_DEPTH } from './decode';
export { encodeJson, EncodeJsonOptions } from './encode';
export { applyPathAndQuery, applyQueryParameters } from './path-query';
export { decodeBinary, encodeBinary } from './binary';
export { toTimestamp, TimestampMessage } from './timestamp-message';
