import { join } from 'node:path';
import { Module } from '@nestjs/common';
import { ToolkitError } from '../../src/toolkit/errors';
import { Call, CallContext } from '../../src/toolkit/pipeline';
import { defineService, RunningService } from '../../src/toolkit/runtime';
import { bootstrapService } from './bootstrap';
import { RequestMessage, ToolkitController } from '../../src/toolkit/transport';
import type { Collected, CountRequest, Note } from '../gen/streaming/streaming';
import {
  StreamingDescriptor,
  StreamingHandlers,
  StreamingRpc,
} from '../gen/streaming/streaming.toolkit';

/** What the handlers saw, for assertions on cancellation. */
export interface StreamingProbe {
  /** Epoch ms at which a Count or Converse handler saw its signal abort, and the reason's code. */
  aborts: { at: number; code: number }[];
}

/** test/proto/streaming/streaming.proto's four shapes, driven by their requests. */
function streamingController(probe: StreamingProbe) {
  @ToolkitController(StreamingDescriptor)
  class StreamingController implements StreamingHandlers {
    @StreamingRpc('Echo')
    echo(@RequestMessage() request: Note): Note {
      return request;
    }

    @StreamingRpc('Count')
    async *count(
      @RequestMessage() request: CountRequest,
      @Call() call: CallContext,
    ): AsyncIterable<Note> {
      const { signal } = call;
      signal.addEventListener('abort', () =>
        probe.aborts.push({ at: Date.now(), code: (signal.reason as ToolkitError).code }),
      );
      if (request.fail_before !== 0)
        throw new ToolkitError(request.fail_before, 'refused before the first note');
      for (let index = 1; index <= request.to; index += 1) {
        if (index === request.fail_after + 1 && request.fail_after > 0)
          throw ToolkitError.aborted(`failed after ${request.fail_after} notes`);
        yield { text: request.text, index };
      }
      if (request.hold) await new Promise((resolve) => signal.addEventListener('abort', resolve));
    }

    @StreamingRpc('Collect')
    async collect(@RequestMessage() requests: AsyncIterable<Note>): Promise<Collected> {
      const texts: string[] = [];
      for await (const note of requests) texts.push(note.text);
      return { texts, count: texts.length };
    }

    @StreamingRpc('Converse')
    async *converse(
      @RequestMessage() requests: AsyncIterable<Note>,
      @Call() call: CallContext,
    ): AsyncIterable<Note> {
      const { signal } = call;
      signal.addEventListener('abort', () =>
        probe.aborts.push({ at: Date.now(), code: (signal.reason as ToolkitError).code }),
      );
      for await (const note of requests) yield { text: note.text.toUpperCase(), index: note.index };
    }
  }
  return StreamingController;
}

/** Boots the streaming test service (HTTP and gRPC on ports 0). */
export async function bootStreamingApp(
  probe: StreamingProbe,
  env: Record<string, string> = {},
): Promise<RunningService> {
  @Module({ controllers: [streamingController(probe)] })
  class StreamingModule {}
  const definition = defineService({
    name: 'streaming-service',
    envPrefix: 'STREAMING',
    descriptor: StreamingDescriptor,
    module: StreamingModule,
    defaultHttpPort: 0,
    defaultGrpcPort: 0,
    protoRoot: join(__dirname, '..', 'proto'),
  });
  return bootstrapService(definition, { env: { STREAMING_LOG_LEVEL: 'silent', ...env } });
}
