/**
 * Testee for protobuf's conformance_test_runner: reads length-prefixed ConformanceRequests on
 * stdin and answers ConformanceResponses on stdout (the protocol of conformance.proto, whose
 * messages are ts-proto generated). Payloads go through the toolkit's own codecs, driven by the
 * descriptors generated for test_messages_proto3.proto: JSON through src/toolkit/protojson, binary
 * through its descriptor-driven binary codec (the one that packs google.protobuf.Any). ts-proto's
 * own binary codec for TestAllTypesProto3 is not used: it recurses forever encoding a Struct and
 * does not let the last oneof member win, which would hide the JSON codec's results.
 */
import { TestMessagesProto3Types } from '../gen/google/protobuf/test_messages_proto3.toolkit';
import { DescriptorRegistry } from '../../src/toolkit/descriptor';
import {
  ConformanceRequest,
  ConformanceResponse,
  TestCategory,
  WireFormat,
} from '../gen/conformance/conformance';
import { decodeJson, encodeJson } from '../../src/toolkit/protojson';
import { decodeBinary, encodeBinary } from '../../src/toolkit/protojson/binary';

const MESSAGE = 'protobuf_test_messages.proto3.TestAllTypesProto3';

const types = new DescriptorRegistry([TestMessagesProto3Types]);

function respond(request: ConformanceRequest): ConformanceResponse {
  // The protocol lets a testee skip what it does not implement: proto2 and editions messages,
  // JSPB and text format.
  if (request.message_type !== MESSAGE)
    return { skipped: `only ${MESSAGE} is supported (got ${request.message_type})` };
  const output = request.requested_output_format;
  if (output !== WireFormat.PROTOBUF && output !== WireFormat.JSON)
    return { skipped: `output format ${output} is not supported` };
  let message: Record<string, unknown>;
  try {
    if (request.protobuf_payload !== undefined) {
      message = decodeBinary(types, MESSAGE, request.protobuf_payload);
    } else if (request.json_payload !== undefined) {
      // protojson's DiscardUnknown covers both unknown keys and unknown enum names.
      const ignore = request.test_category === TestCategory.JSON_IGNORE_UNKNOWN_PARSING_TEST;
      message = decodeJson(types, MESSAGE, JSON.parse(request.json_payload), {
        ignoreUnknownFields: ignore,
        ignoreUnknownEnumNames: ignore,
      });
    } else {
      return { skipped: 'only protobuf and JSON input are supported' };
    }
  } catch (error) {
    return { parse_error: describe(error) };
  }
  try {
    if (output === WireFormat.JSON) {
      // protojson's defaults (jsonName keys, no unpopulated fields), not the HTTP runtime's.
      const json = encodeJson(types, MESSAGE, message, {
        useProtoNames: false,
        emitUnpopulated: false,
      });
      return { json_payload: JSON.stringify(json) };
    }
    return { protobuf_payload: encodeBinary(types, MESSAGE, message) };
  } catch (error) {
    return { serialize_error: describe(error) };
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The runner's frames: a little-endian uint32 length, then that many bytes. */
async function* frames(): AsyncGenerator<Buffer> {
  let buffered = Buffer.alloc(0);
  for await (const chunk of process.stdin) {
    buffered = Buffer.concat([buffered, chunk as Buffer]);
    while (buffered.length >= 4) {
      const size = buffered.readUInt32LE(0);
      if (buffered.length < 4 + size) break;
      yield buffered.subarray(4, 4 + size);
      buffered = buffered.subarray(4 + size);
    }
  }
}

async function main(): Promise<void> {
  for await (const frame of frames()) {
    const response = respond(ConformanceRequest.decode(frame));
    const payload = ConformanceResponse.encode(response).finish();
    const header = Buffer.alloc(4);
    header.writeUInt32LE(payload.length, 0);
    process.stdout.write(Buffer.concat([header, payload]));
  }
}

void main();
