import type { IncomingMessage } from 'node:http';
import type * as AmqplibInstrumentationModule from '@opentelemetry/instrumentation-amqplib';
import type * as GrpcInstrumentationModule from '@opentelemetry/instrumentation-grpc';
import type * as HttpInstrumentationModule from '@opentelemetry/instrumentation-http';
import type * as IORedisInstrumentationModule from '@opentelemetry/instrumentation-ioredis';
import type * as PgInstrumentationModule from '@opentelemetry/instrumentation-pg';
import type * as PinoInstrumentationModule from '@opentelemetry/instrumentation-pino';
import type * as SdkNodeModule from '@opentelemetry/sdk-node';
import { tracingRequested } from './tracing-variables';

/** The started SDK, to flush and stop at exit. @publicApi */
export interface Tracing {
  /** Exports the spans still buffered, then stops the SDK. */
  shutdown(): Promise<void>;
}

/**
 * Probe and scrape paths of the runtime's HTTP endpoints: a kubelet or Prometheus calls them every
 * few seconds, and a root span each time would bury the traces of real requests. Literal here
 * because importing the runtime would load the instrumented libraries before their
 * instrumentation (a unit test keeps them equal to the runtime's).
 * @internal
 */
export const UNTRACED_PATH_PREFIXES = ['/_healthz/', '/metrics'] as const;

/**
 * Starts OpenTelemetry tracing when `env` asks for it (`OTEL_TRACES_EXPORTER`), else returns
 * undefined having loaded nothing: the SDK and the instrumentations are required here, not
 * imported, so that a process without tracing never pays for them. Must run before anything
 * requires http, @grpc/grpc-js, pg, ioredis, amqplib or pino, because the instrumentations patch
 * those modules as they are first required. The SDK reads the exporter, endpoint, protocol,
 * sampler and propagators from the standard variables itself.
 * @publicApi
 */
export function startTracing(env: NodeJS.ProcessEnv = process.env): Tracing | undefined {
  if (!tracingRequested(env)) return undefined;
  /* eslint-disable @typescript-eslint/no-require-imports -- loaded only when tracing is on */
  const { NodeSDK } = require('@opentelemetry/sdk-node') as typeof SdkNodeModule;
  const { HttpInstrumentation } =
    require('@opentelemetry/instrumentation-http') as typeof HttpInstrumentationModule;
  const { GrpcInstrumentation } =
    require('@opentelemetry/instrumentation-grpc') as typeof GrpcInstrumentationModule;
  const { PgInstrumentation } =
    require('@opentelemetry/instrumentation-pg') as typeof PgInstrumentationModule;
  const { IORedisInstrumentation } =
    require('@opentelemetry/instrumentation-ioredis') as typeof IORedisInstrumentationModule;
  const { AmqplibInstrumentation } =
    require('@opentelemetry/instrumentation-amqplib') as typeof AmqplibInstrumentationModule;
  const { PinoInstrumentation } =
    require('@opentelemetry/instrumentation-pino') as typeof PinoInstrumentationModule;
  /* eslint-enable @typescript-eslint/no-require-imports */
  const sdk = new NodeSDK({
    serviceName: env.OTEL_SERVICE_NAME ? undefined : defaultServiceName(env),
    // Traces only: the services export metrics on /metrics for Prometheus, and their logs go to
    // stdout. The SDK would otherwise default both to OTLP as well.
    metricReaders: env.OTEL_METRICS_EXPORTER ? undefined : [],
    logRecordProcessors: env.OTEL_LOGS_EXPORTER ? undefined : [],
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (request: IncomingMessage) =>
          UNTRACED_PATH_PREFIXES.some((prefix) => request.url?.startsWith(prefix) === true),
      }),
      new GrpcInstrumentation(),
      // Without a parent only the outbox relay's polling would be traced: a trace per poll.
      new PgInstrumentation({ requireParentSpan: true }),
      new IORedisInstrumentation({ requireParentSpan: true }),
      new AmqplibInstrumentation({
        // Named after the event (the routing key it was published with, kept in `type` through
        // the retry queue) rather than the exchange or the per-service queue.
        publishHook: (span, { routingKey, options }) =>
          span.updateName(`${options?.type ?? routingKey} publish`),
        consumeHook: (span, { msg }) =>
          span.updateName(`${String(msg.properties.type ?? msg.fields.routingKey)} process`),
      }),
      // trace_id / span_id / trace_flags on every log line written inside a span.
      new PinoInstrumentation({ disableLogSending: true }),
    ],
  });
  sdk.start();
  return {
    // Spans that could not be exported are lost, not a failed shutdown.
    shutdown: () =>
      sdk.shutdown().catch((error: unknown) => {
        process.stderr.write(
          `tracing: exporting the last spans failed: ${error instanceof Error ? error.message : String(error)}\n`,
        );
      }),
  };
}

function defaultServiceName(env: NodeJS.ProcessEnv): string {
  const services = (env.SERVICES ?? '').trim();
  return services.length > 0 ? services : 'nest-proto-toolkit';
}
