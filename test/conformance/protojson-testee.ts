/**
 * Testee for protobuf's conformance_test_runner: reads length-prefixed ConformanceRequests on
 * stdin and answers ConformanceResponses on stdout (the runner's protocol, conformance.proto).
 * JSON goes through the toolkit's protojson codec, binary through the ts-proto codec generated
 * for test_messages_proto3.proto; loader-shape.ts converts between the two message shapes.
 */
import '../gen/google/protobuf/test_messages_proto3.toolkit';
import {
  ConformanceRequest,
  ConformanceResponse,
  TestCategory,
  WireFormat,
} from '../gen/conformance/conformance';
import { TestAllTypesProto3 } from '../gen/google/protobuf/test_messages_proto3';
import { decodeJson, encodeJson, ProtoJsonError } from '../../src/toolkit/protojson';
import { fromLoaderShape, toLoaderShape } from './loader-shape';

const MESSAGE = 'protobuf_test_messages.proto3.TestAllTypesProto3';

function respond(request: ConformanceRequest): ConformanceResponse {
  if (request.message_type !== MESSAGE)
    return { skipped: `only ${MESSAGE} is supported (got ${request.message_type})` };
  const output = request.requested_output_format;
  if (output !== WireFormat.PROTOBUF && output !== WireFormat.JSON)
    return { skipped: `output format ${output} is not supported` };
  let message: Record<string, unknown>;
  try {
    if (request.protobuf_payload !== undefined) {
      message = toLoaderShape(MESSAGE, TestAllTypesProto3.decode(request.protobuf_payload));
    } else if (request.json_payload !== undefined) {
      message = decodeJson(MESSAGE, JSON.parse(request.json_payload), {
        ignoreUnknownFields:
          request.test_category === TestCategory.JSON_IGNORE_UNKNOWN_PARSING_TEST,
      });
    } else {
      return { skipped: 'only protobuf and JSON input are supported' };
    }
  } catch (error) {
    return { parse_error: describe(error) };
  }
  try {
    if (output === WireFormat.JSON)
      return {
        json_payload: JSON.stringify(
          encodeJson(MESSAGE, message, { useProtoNames: false, emitUnpopulated: false }),
        ),
      };
    const typed = fromLoaderShape(MESSAGE, message) as unknown as TestAllTypesProto3;
    return { protobuf_payload: TestAllTypesProto3.encode(typed).finish() };
  } catch (error) {
    return { serialize_error: describe(error) };
  }
}

function describe(error: unknown): string {
  if (error instanceof ProtoJsonError || error instanceof Error) return error.message;
  return String(error);
}

/** Reads exactly `size` bytes from stdin, or undefined at end of input. */
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
