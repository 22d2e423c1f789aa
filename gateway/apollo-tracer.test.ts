import { context, trace, ROOT_CONTEXT, type Span } from '@opentelemetry/api';
import * as apolloOpenTelemetry from '@apollo/gateway/dist/utilities/opentelemetry.js';
import { installQuietTracer, openTelemetryUnregistered, originalTracer, quietTracer } from './apollo-tracer.js';

describe("the gateway's tracer while no OpenTelemetry SDK is registered", () => {
  it('hands every overload the non-recording span the no-op tracer hands it, and returns what the function returns', async () => {
    const seen: Span[] = [];
    const record = (span: Span) => {
      seen.push(span);
      return 'result';
    };
    expect(quietTracer.startActiveSpan('a', record)).toBe('result');
    expect(quietTracer.startActiveSpan('b', { attributes: { x: 1 } }, record)).toBe('result');
    expect(quietTracer.startActiveSpan('c', {}, ROOT_CONTEXT, record)).toBe('result');
    expect(await quietTracer.startActiveSpan('d', async (span) => span.isRecording())).toBe(false);
    const original = originalTracer.startActiveSpan('e', (span) => span);
    for (const span of seen) {
      expect(span.isRecording()).toBe(false);
      expect(span.spanContext()).toEqual(original.spanContext());
      // What @apollo/gateway calls on its spans: all no-ops.
      span.setAttributes({ a: 1 }).setStatus({ code: 2 }).recordException(new Error('x'));
      span.end();
    }
    // The no-op context manager never makes a span active, with either tracer.
    quietTracer.startActiveSpan('f', () => expect(trace.getActiveSpan()).toBeUndefined());
    originalTracer.startActiveSpan('g', () => expect(trace.getActiveSpan()).toBeUndefined());
  });

  it('is what @apollo/gateway reads once installed', () => {
    installQuietTracer();
    const module = (apolloOpenTelemetry as any).default ?? apolloOpenTelemetry;
    expect(module.tracer).toBe(quietTracer);
  });
  it('goes to the original as soon as a tracer provider or a context manager is registered', () => {
    expect(openTelemetryUnregistered()).toBe(true);
    const started: string[] = [];
    const provider = {
      getTracer: () => ({
        startSpan: (name: string) => {
          started.push(name);
          return trace.wrapSpanContext({ traceId: '1'.repeat(32), spanId: '2'.repeat(16), traceFlags: 1 });
        },
        startActiveSpan: (name: string) => void started.push(`active:${name}`),
      }),
    };
    expect(trace.setGlobalTracerProvider(provider as never)).toBe(true);
    expect(openTelemetryUnregistered()).toBe(false);
    quietTracer.startActiveSpan('gateway.request', () => undefined);
    quietTracer.startSpan('gateway.fetch');
    expect(started).toEqual(['active:gateway.request', 'gateway.fetch']);
    trace.disable();
    expect(openTelemetryUnregistered()).toBe(true);
    const manager = {
      active: () => ROOT_CONTEXT,
      with: (_c: unknown, fn: () => unknown) => fn(),
      bind: (_c: unknown, t: unknown) => t,
      enable() {
        return this;
      },
      disable() {
        return this;
      },
    };
    expect(context.setGlobalContextManager(manager as never)).toBe(true);
    expect(openTelemetryUnregistered()).toBe(false);
    // Last: disable() gives the API a new proxy provider, which the tracer made before never sees.
    context.disable();
    expect(openTelemetryUnregistered()).toBe(true);
  });
});
