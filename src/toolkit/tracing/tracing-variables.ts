import type { EnvVarRow } from '../config';

/**
 * The OpenTelemetry variables the tracing SDK reads, process-wide and unprefixed as the
 * specification names them, so any OpenTelemetry collector set-up applies unchanged. Listed by
 * `--help` and docs/configuration.md next to the services' own variables.
 * @publicApi
 */
export const TRACING_VARIABLES: { service: string; rows: EnvVarRow[] } = {
  service: 'tracing (OpenTelemetry, whole process)',
  rows: [
    {
      name: 'OTEL_TRACES_EXPORTER',
      type: 'enum(otlp|console|zipkin|none)',
      default: 'none',
      required: false,
      description:
        'Turns tracing on (otlp: spans of HTTP, gRPC, PostgreSQL, Redis and AMQP, W3C traceparent propagated, trace_id in log lines); unset or none loads no tracing code at all',
    },
    {
      name: 'OTEL_EXPORTER_OTLP_ENDPOINT',
      type: 'string',
      default: 'http://localhost:4318',
      required: false,
      description: 'Collector base URL (the exporter appends /v1/traces)',
    },
    {
      name: 'OTEL_EXPORTER_OTLP_PROTOCOL',
      type: 'enum(http/protobuf|http/json|grpc)',
      default: 'http/protobuf',
      required: false,
      description: 'OTLP encoding (OTEL_EXPORTER_OTLP_TRACES_* variants override per signal)',
    },
    {
      name: 'OTEL_SERVICE_NAME',
      type: 'string',
      default: '',
      required: false,
      description: 'service.name of every span; default the SERVICES list, else nest-proto-toolkit',
    },
    {
      name: 'OTEL_TRACES_SAMPLER',
      type: 'string',
      default: 'parentbased_always_on',
      required: false,
      description: 'Sampler (with OTEL_TRACES_SAMPLER_ARG), as the OpenTelemetry SDK reads it',
    },
    {
      name: 'OTEL_PROPAGATORS',
      type: 'list',
      default: 'tracecontext,baggage',
      required: false,
      description: 'Context propagation formats on HTTP, gRPC, AMQP and the outbox row',
    },
  ],
};

/**
 * Whether `env` asks for tracing. Off unless a traces exporter is named: unlike the SDK's own
 * default (otlp), an unconfigured process loads no tracing code and sends nothing anywhere.
 * @publicApi
 */
export function tracingRequested(env: NodeJS.ProcessEnv): boolean {
  const exporters = (env.OTEL_TRACES_EXPORTER ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name.length > 0);
  return (
    env.OTEL_SDK_DISABLED?.trim().toLowerCase() !== 'true' &&
    exporters.length > 0 &&
    !exporters.includes('none')
  );
}
