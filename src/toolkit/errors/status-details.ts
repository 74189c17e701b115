import { BinaryReader, BinaryWriter, WireType } from '@bufbuild/protobuf/wire';
import { ErrorFieldViolation } from './toolkit-error';
import { GrpcStatus } from './grpc-status';

/** Trailer carrying a serialized google.rpc.Status, as grpc-go and grpc-gateway read it. @publicApi */
export const STATUS_DETAILS_KEY = 'grpc-status-details-bin';
/** @publicApi */
export const BAD_REQUEST_TYPE_URL = 'type.googleapis.com/google.rpc.BadRequest';

/**
 * Serializes google.rpc.Status{code, message, details: [Any(google.rpc.BadRequest)]}. Field
 * numbers from google/rpc/status.proto, error_details.proto and google/protobuf/any.proto.
 * @publicApi
 */
export function encodeStatusDetails(
  code: GrpcStatus,
  message: string,
  violations: readonly ErrorFieldViolation[],
): Uint8Array {
  const badRequest = new BinaryWriter();
  for (const violation of violations) {
    badRequest
      .tag(1, WireType.LengthDelimited)
      .fork()
      .tag(1, WireType.LengthDelimited)
      .string(violation.field)
      .tag(2, WireType.LengthDelimited)
      .string(violation.description)
      .join();
  }
  const status = new BinaryWriter().tag(1, WireType.Varint).int32(code);
  status.tag(2, WireType.LengthDelimited).string(message);
  if (violations.length > 0) {
    status
      .tag(3, WireType.LengthDelimited)
      .fork()
      .tag(1, WireType.LengthDelimited)
      .string(BAD_REQUEST_TYPE_URL)
      .tag(2, WireType.LengthDelimited)
      .bytes(badRequest.finish())
      .join();
  }
  return status.finish();
}

/** What `decodeStatusDetails` recovers from a `grpc-status-details-bin` trailer. @publicApi */
export interface DecodedStatusDetails {
  code: number;
  message: string;
  violations: ErrorFieldViolation[];
}

/** Reads a google.rpc.Status; BadRequest details become violations, other details are skipped. @publicApi */
export function decodeStatusDetails(bytes: Uint8Array): DecodedStatusDetails {
  const result: DecodedStatusDetails = { code: 0, message: '', violations: [] };
  const reader = new BinaryReader(bytes);
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    if (field === 1 && wireType === WireType.Varint) result.code = reader.int32();
    else if (field === 2 && wireType === WireType.LengthDelimited) result.message = reader.string();
    else if (field === 3 && wireType === WireType.LengthDelimited) {
      const any = readAny(reader.bytes());
      if (any.typeUrl === BAD_REQUEST_TYPE_URL)
        result.violations.push(...readBadRequest(any.value));
    } else reader.skip(wireType, field);
  }
  return result;
}

function readAny(bytes: Uint8Array): { typeUrl: string; value: Uint8Array } {
  const reader = new BinaryReader(bytes);
  let typeUrl = '';
  let value = new Uint8Array();
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    if (field === 1 && wireType === WireType.LengthDelimited) typeUrl = reader.string();
    else if (field === 2 && wireType === WireType.LengthDelimited) value = reader.bytes();
    else reader.skip(wireType, field);
  }
  return { typeUrl, value };
}

function readBadRequest(bytes: Uint8Array): ErrorFieldViolation[] {
  const violations: ErrorFieldViolation[] = [];
  const reader = new BinaryReader(bytes);
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    if (field !== 1 || wireType !== WireType.LengthDelimited) {
      reader.skip(wireType, field);
      continue;
    }
    const inner = new BinaryReader(reader.bytes());
    const violation: ErrorFieldViolation = { field: '', description: '' };
    while (inner.pos < inner.len) {
      const [innerField, innerType] = inner.tag();
      if (innerField === 1 && innerType === WireType.LengthDelimited)
        violation.field = inner.string();
      else if (innerField === 2 && innerType === WireType.LengthDelimited)
        violation.description = inner.string();
      else inner.skip(innerType, innerField);
    }
    violations.push(violation);
  }
  return violations;
}
