import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { getRequestIdentity } from '../auth/caller-identity';
import { sendHttpError, ToolkitError, ToolkitExceptionFilter } from '../errors';
import { ToolkitLogger } from '../runtime/toolkit-logger';
import { acceptRequestId, parseGrpcTimeout, REQUEST_ID_HEADER } from '../runtime/request-context';
import { HttpRouteMatch } from '../transport/http-router';
import { addHttpRoute, httpRouteMatch, installHttpRouting } from '../transport/http-routing';
import {
  decodePathVariables,
  encodeHttpResponse,
  transcodeHttpRequest,
} from '../transport/transcode';
import { CallOrigin, ServedCall } from './call-context';
import { callTimeoutMs, durationMs, PipelineOptions, secondsSince } from './call-observer';
import { executePlan, MethodPlan } from './method-plan';
import { observeStream, serveHttpServerStream, streamLogFields } from '../streaming';

/**
 * Serves the HTTP bindings of `plans` on the app's Fastify instance: one route per method on
 * `/*`, matched by the toolkit's router (static routes win), each request run through its plan
 * inline: request id, one deadline timer, the plan, protojson, the error model, then metrics and
 * the access log once. Call after `app.init()` and before `listen`.
 * @internal
 */
export function mountHttpPlans(
  fastify: FastifyInstance,
  plans: readonly MethodPlan[],
  options: PipelineOptions,
  filter: ToolkitExceptionFilter,
): void {
  const router = installHttpRouting(fastify);
  for (const plan of plans) {
    // Server streams are served here, framed by src/toolkit/streaming (SSE / NDJSON); client and
    // bidi streams are WebSocket upgrades, not plain routes.
    if (plan.bindings.length === 0 || plan.method.clientStreaming) continue;
    addHttpRoute(fastify, router, plan, {
      handler: (request, reply) => serveHttp(plan, request, reply, options, filter),
      // Errors before the handler (a body Fastify cannot parse, too large) use the same model.
      errorHandler: (error: FastifyError, _request, reply) =>
        sendHttpError(reply, filter.normalize(error)),
    });
  }
}

function serveHttp(
  plan: MethodPlan,
  request: FastifyRequest,
  reply: FastifyReply,
  options: PipelineOptions,
  filter: ToolkitExceptionFilter,
): void {
  const startedAt = process.hrtime.bigint();
  const match = httpRouteMatch(request)!;
  const requestId = acceptRequestId(request.headers[REQUEST_ID_HEADER]);
  const clientTimeout = parseGrpcTimeout(request.headers['grpc-timeout']);
  const timeoutMs = Math.min(callTimeoutMs(plan.method, options), clientTimeout ?? Infinity);
  const call = new ServedCall(
    requestId,
    'http',
    plan.method.name,
    Date.now() + timeoutMs,
    new HttpOrigin(request, reply, options),
  );
  if (options.echoRequestId) reply.header(REQUEST_ID_HEADER, requestId);
  let finished = false;
  const finish = () => {
    if (finished) return false;
    finished = true;
    call.finish();
    return true;
  };
  // While a server stream is being written its own outcome ends the call (the deadline aborts it).
  let streaming = false;
  const fail = (thrown: unknown) => {
    if (streaming || !finish()) return;
    sendHttpError(reply, filter.normalize(thrown, call.log));
    observe(plan, request, reply, match, call, startedAt, options);
  };
  const succeed = (response: unknown) => {
    if (plan.method.serverStreaming && !finished) {
      streaming = true;
      // Shutdown ends it with UNAVAILABLE, framed as its last item, as the deadline would.
      const close = options.streams.open((error) => call.abort(error));
      void serveHttpServerStream({
        accept: request.headers.accept,
        reply,
        messages: response as AsyncIterable<unknown>,
        encode: plan.streamText(match.binding.rule),
        signal: call.signal,
        normalize: (error) => filter.normalize(error, call.log),
      }).then((outcome) => {
        close();
        streaming = false;
        if (!outcome.started) return fail(outcome.error);
        finish();
        observe(plan, request, reply, match, call, startedAt, options, outcome);
      });
      return;
    }
    if (!finish()) return;
    let body: string;
    try {
      body = JSON.stringify(
        encodeHttpResponse(
          plan.types,
          plan.method,
          match.binding.rule,
          response as Record<string, unknown>,
        ),
      );
    } catch (error) {
      finished = false;
      return fail(error);
    }
    reply.code(200).type('application/json; charset=utf-8').send(body);
    observe(plan, request, reply, match, call, startedAt, options);
  };
  call.startDeadline(
    (error) => fail(error),
    () => ToolkitError.deadlineExceeded(`request timed out after ${timeoutMs}ms`),
  );
  let result: unknown;
  try {
    result = executePlan(plan, {
      call,
      type: 'http',
      args: [request, reply, call],
      readMessage: () => readHttpMessage(plan, match, request),
    });
  } catch (error) {
    return fail(error);
  }
  if (result instanceof Promise) result.then(succeed, fail);
  else succeed(result);
}

function readHttpMessage(
  plan: MethodPlan,
  match: HttpRouteMatch<string>,
  request: FastifyRequest,
): Record<string, unknown> {
  const pathParams = decodePathVariables(match.raw);
  return transcodeHttpRequest(plan.types, plan.method, match.binding.rule, pathParams, request);
}

function observe(
  plan: MethodPlan,
  request: FastifyRequest,
  reply: FastifyReply,
  match: HttpRouteMatch<string>,
  call: ServedCall,
  startedAt: bigint,
  options: PipelineOptions,
  stream?: { messagesOut: number; error?: ToolkitError },
): void {
  const seconds = secondsSince(startedAt);
  const status = reply.statusCode;
  if (stream) observeStream(options, 'http', plan.method.name, 1, stream);
  options.metrics?.observe({
    transport: 'http',
    rpc: plan.method.name,
    code: String(status),
    failed: status >= 400,
    seconds,
  });
  options.accessLog?.info(
    {
      request_id: call.requestId,
      transport: 'http',
      method: request.method,
      route: match.binding.rule.path,
      rpc: plan.method.name,
      status,
      duration_ms: durationMs(seconds),
      ...(stream && streamLogFields(1, stream)),
    },
    'request completed',
  );
}

/** What a `ServedCall` reads of a Fastify request, when asked. */
class HttpOrigin implements CallOrigin {
  constructor(
    private readonly request: FastifyRequest,
    private readonly reply: FastifyReply,
    private readonly options: PipelineOptions,
  ) {}

  get identityCarrier(): object {
    return this.request;
  }

  readHeaders(): Record<string, string> {
    return flatHeaders(this.request.headers);
  }

  watchCancel(cancel: () => void): void {
    const response = this.reply.raw;
    if (response.writableFinished) return;
    if (response.destroyed) return cancel();
    response.once('close', () => {
      if (!response.writableFinished) cancel();
    });
  }

  identityOf(carrier: object) {
    return getRequestIdentity(carrier);
  }

  childLogger(requestId: string, rpc: string): ToolkitLogger {
    return new ToolkitLogger(this.options.logger.child({ request_id: requestId, rpc }));
  }
}

/** Header name → value, repeated headers joined with `, `. @internal */
export function flatHeaders(
  headers: Readonly<Record<string, string | string[] | undefined>>,
): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (typeof value === 'string') flat[name] = value;
    else if (Array.isArray(value)) flat[name] = value.join(', ');
  }
  return flat;
}
