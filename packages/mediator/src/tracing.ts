import { createRequire } from 'node:module';
import type * as OtelApi from '@opentelemetry/api';
import type { Context as OtelContext, Span, Tracer } from '@opentelemetry/api';

/** The instrumentation scope name of the spans the mediator starts. */
export const tracerName = '@slicewise/mediator';

/** Where `@opentelemetry/api` 1.x keeps what was registered globally (a tracer provider under `trace`). */
const otelGlobal = Symbol.for('opentelemetry.js.api.1');

let loaded: typeof OtelApi | undefined;

/**
 * `@opentelemetry/api`, loaded on first use: a host that registers no tracer provider (the CLI, most tests)
 * never pays for loading it. Its global state is shared by every copy of the API, so this sees the SDK's provider.
 */
function otel(): typeof OtelApi {
  loaded ??= createRequire(import.meta.url)('@opentelemetry/api') as typeof OtelApi;
  return loaded;
}

/**
 * The tracer a mediator uses: the one given, none when `false`, else the global one, unless no tracer
 * provider is registered (then none: dispatches skip tracing entirely, at no cost).
 */
export function resolveTracer(option: Tracer | false | undefined): Tracer | undefined {
  if (option === false) return undefined;
  if (option) return option;
  const registered = (globalThis as { [otelGlobal]?: { trace?: unknown } })[otelGlobal]?.trace;
  if (registered === undefined) return undefined;
  const { ProxyTracerProvider, trace } = otel();
  const provider = trace.getTracerProvider();
  const delegate = provider instanceof ProxyTracerProvider ? provider.getDelegate() : provider;
  return delegate === new ProxyTracerProvider().getDelegate() ? undefined : trace.getTracer(tracerName);
}

/** What a dispatch span describes, following the OpenTelemetry messaging semantic conventions. */
export interface SpanTarget {
  readonly operation: 'send' | 'stream' | 'publish';
  /** The message: its class names the span; its kind and the correlation id are read only when the span records. */
  readonly message: object;
  readonly slice: string | undefined;
  /** Asked only when the span records: a correlation id may have to be generated. */
  readonly correlationId: () => string;
}

/** Starts dispatch spans with one tracer; the API's pieces are looked up once, not per dispatch. */
export type SpanStarter = (
  target: SpanTarget,
  parent: Span | undefined,
) => { span: Span; context: OtelContext } | undefined;

/**
 * The span starter of a tracer. A span starts as a child of the parent dispatch's span or of the active context;
 * the starter returns `undefined` when the tracer records nothing and propagates nothing (a no-op tracer, a
 * provider with nothing behind it): the dispatch then skips tracing, at the cost of asking the tracer. A span that
 * is sampled out but carries a valid trace context is kept (its context propagates to the handler's own calls)
 * without its attributes.
 */
export function spanStarter(tracer: Tracer): SpanStarter {
  const { context: contextApi, SpanKind, trace, INVALID_TRACEID } = otel();
  const producer = { kind: SpanKind.PRODUCER };
  const internal = { kind: SpanKind.INTERNAL };
  return (target, parent) => {
    const active = contextApi.active();
    const base = parent ? trace.setSpan(active, parent) : active;
    const { operation, message } = target;
    const messageClass = message.constructor as { name: string; kind?: string };
    const span = tracer.startSpan(
      `${operation} ${messageClass.name}`,
      operation === 'publish' ? producer : internal,
      base,
    );
    if (!span.isRecording()) {
      const spanContext = span.spanContext();
      if (spanContext.traceId === INVALID_TRACEID || !trace.isSpanContextValid(spanContext)) return undefined;
      return { span, context: trace.setSpan(base, span) };
    }
    span.setAttributes({
      'messaging.system': 'slicewise',
      'messaging.operation.type': 'send',
      'messaging.operation.name': operation,
      'messaging.destination.name': messageClass.name,
      'messaging.message.conversation_id': target.correlationId(),
      'slicewise.message.kind': messageClass.kind ?? 'request',
      ...(target.slice !== undefined && { 'slicewise.slice': target.slice }),
    });
    return { span, context: trace.setSpan(base, span) };
  };
}

/** Runs `work` with the span's context active (for spans the handler starts itself). */
export function withSpan<T>(context: OtelContext, work: () => T): T {
  return otel().context.with(context, work);
}

/** Ends a span as a failure: records the exception and sets the error status. */
export function failSpan(span: Span, error: unknown): void {
  const exception = error instanceof Error ? error : new Error(String(error));
  span.recordException(exception);
  const code = (error as { code?: unknown })?.code;
  if (typeof code === 'string') span.setAttribute('error.type', code);
  else span.setAttribute('error.type', exception.name);
  span.setStatus({ code: otel().SpanStatusCode.ERROR, message: exception.message });
  span.end();
}
