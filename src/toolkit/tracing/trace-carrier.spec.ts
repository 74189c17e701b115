import { NodeSDK, api, tracing } from '@opentelemetry/sdk-node';
import { activeTraceCarrier, outsideTrace, withTraceCarrier } from './trace-carrier';

describe('trace carrier (the outbox row → relay hand-off)', () => {
  it('is null while tracing is off: nothing is stored, and work runs as it is', () => {
    expect(activeTraceCarrier()).toBeNull();
    expect(withTraceCarrier(null, () => 42)).toBe(42);
  });

  describe('with the SDK started', () => {
    const exporter = new tracing.InMemorySpanExporter();
    const sdk = new NodeSDK({
      spanProcessors: [new tracing.SimpleSpanProcessor(exporter)],
      instrumentations: [],
      metricReaders: [],
      logRecordProcessors: [],
      autoDetectResources: false,
    });
    const tracer = () => api.trace.getTracer('trace-carrier.spec');

    beforeAll(() => sdk.start());
    afterAll(async () => {
      await sdk.shutdown();
      // The API's registrations are process-wide: leave none behind for other suites.
      api.trace.disable();
      api.context.disable();
      api.propagation.disable();
    });

    it('stores the active span as a W3C traceparent, and nothing outside a span', () => {
      expect(activeTraceCarrier()).toBeNull();
      const carrier = tracer().startActiveSpan('request', (span) => {
        span.end();
        return activeTraceCarrier();
      });
      const [written] = exporter.getFinishedSpans();
      const { traceId, spanId } = written.spanContext();
      expect(carrier).toEqual({ traceparent: `00-${traceId}-${spanId}-01` });
    });

    it('continues the stored context later, from code that runs outside any trace', () => {
      exporter.reset();
      const carrier = tracer().startActiveSpan('request', (span) => {
        span.end();
        return activeTraceCarrier();
      });
      // What the relay does: a pass outside the request, each publish under its row's context.
      outsideTrace(() => {
        tracer().startSpan('relay pass').end();
        withTraceCarrier(carrier, () => tracer().startSpan('user.created publish').end());
      });
      const [request, pass, publish] = exporter.getFinishedSpans();
      expect(pass.parentSpanContext).toBeUndefined();
      expect(pass.spanContext().traceId).not.toBe(request.spanContext().traceId);
      expect(publish.spanContext().traceId).toBe(request.spanContext().traceId);
      expect(publish.parentSpanContext?.spanId).toBe(request.spanContext().spanId);
    });

    it('outsideTrace detaches work a request merely woke up', () => {
      exporter.reset();
      tracer().startActiveSpan('request', (span) => {
        outsideTrace(() => tracer().startSpan('background').end());
        span.end();
      });
      const background = exporter.getFinishedSpans().find((span) => span.name === 'background');
      expect(background?.parentSpanContext).toBeUndefined();
    });
  });
});
