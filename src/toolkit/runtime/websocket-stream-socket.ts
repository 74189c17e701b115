import type WebSocket from 'ws';
import type { DescriptorRegistry, MethodDescriptor } from '../descriptor';
import { ToolkitError } from '../errors';
import { decodeJson, ProtoJsonError } from '../protojson';
import type { ServedCall } from '../pipeline/call-context';
import type { OpenStreams } from '../pipeline/open-streams';
import { invokeHandler, MethodPlan, PlanCall } from '../pipeline/method-plan';
import { serveWebSocketStream, WebSocketStreamOutcome } from '../streaming';

/** What one admitted client- or bidi-streaming upgrade needs once its socket is open. @internal */
export interface StreamSocketCall {
  plan: MethodPlan;
  /** The plan call whose caller token and guards passed before the handshake. */
  planned: PlanCall;
  /** The app's bound of the stream, for the DEADLINE_EXCEEDED message. */
  timeoutMs: number;
  streams: OpenStreams;
  normalize(error: unknown, call: ServedCall): ToolkitError;
}

/**
 * Serves an admitted streaming rpc on its open WebSocket: the handler gets the client's frames
 * as its request stream, each decoded and checked by the plan (a bad one ends the stream with
 * INVALID_ARGUMENT), and its answers go out one frame each (see `serveWebSocketStream`). The
 * client closing the socket, the deadline and the app's shutdown abort the call's signal.
 * @internal
 */
export async function serveStreamSocket(
  socket: WebSocket,
  stream: StreamSocketCall,
): Promise<WebSocketStreamOutcome> {
  const { plan, planned } = stream;
  const { call } = planned;
  let over = false;
  socket.once('close', () => {
    if (!over) call.abort(ToolkitError.cancelled('the client closed the stream'));
  });
  const closeStream = stream.streams.open((error) => call.abort(error));
  call.startDeadline(
    // The abort that follows ends the stream with the error frame.
    () => undefined,
    () => ToolkitError.deadlineExceeded(`stream timed out after ${stream.timeoutMs}ms`),
  );
  try {
    return await serveWebSocketStream({
      socket,
      serverStreaming: plan.method.serverStreaming,
      decode: (text) => {
        const message = decodeFrame(plan.types, plan.method, text);
        plan.check(message, call.caller);
        return message;
      },
      encode: plan.streamText(plan.method.http),
      handle: (requests) => invokeHandler(plan, { ...planned, readMessage: () => requests }),
      signal: call.signal,
      normalize: (error) => stream.normalize(error, call),
    });
  } finally {
    over = true;
    closeStream();
    call.finish();
  }
}

/** One text frame as a request message; INVALID_ARGUMENT when it is not protojson of it. */
function decodeFrame(
  types: DescriptorRegistry,
  method: MethodDescriptor,
  text: string,
): Record<string, unknown> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw ToolkitError.invalidArgument(`a request frame is not JSON (a ${method.requestType})`);
  }
  try {
    return decodeJson(types, method.requestType, json);
  } catch (error) {
    if (!(error instanceof ProtoJsonError)) throw error;
    throw ToolkitError.invalidArgument(error.message, {
      violations: [
        { field: error.field === '' ? 'message' : error.field, description: error.reason },
      ],
    });
  }
}
