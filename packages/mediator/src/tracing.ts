import { createRequire } from 'node:module';
import type * as OtelApi from '@opentelemetry/api';
import type { Context as OtelContext, Span, Tracer } from '@opentelemetry/api';

/** The instrumentation scope name of the spans the mediator starts. */
export const tracerName = '@slicewise/mediator';

/** Where `@opentelemetry/api` 1.x keeps what was registered globally (a tracer provider under `trace`). */
const otelGlobal = Symbol.for('opentelemetry.js.api.1');

let loaded: typeof OtelApi | undefined;

/** What is registered globally for tracing (the tracer provider), or `undefined`. */
const registeredTraceApi = (): unknown => (globalThis as { [otelGlobal]?: { trace?: unknown } })[otelGlobal]?.trace;

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
  const registered = registeredTraceApi();
  if (registered === undefined) return undefined;
  const { ProxyTracerProvider, trace } = otel();
  const provider = trace.getTracerProvider();
  const delegate = provider instanceof ProxyTracerProvider ? provider.getDelegate() : provider;
  return delegate === new ProxyTracerProvider().getDelegate() ? undefined : trace.getTracer(tracerName);
}

type Operation = 'send' | 'stream' | 'publish';

/**
 * Starts the spans of dispatches with one tracer (following the OpenTelemetry messaging semantic conventions); the
 * API's pieces are looked up once, not per dispatch. A span starts as a child of the parent dispatch's span or of
 * the active context. {@link DispatchSpans.start} returns `undefined` when the tracer records nothing and
 * propagates nothing (a no-op tracer: no SDK behind it); the tracer is then {@link DispatchSpans.inert} and not
 * asked again until the global OpenTelemetry registration changes (registering a provider is what brings the
 * API's no-op tracers to life), so the mediator dispatches as if untraced. A span that is sampled out but carries
 * a valid trace context is kept (its context propagates to the handler's own calls), without attributes.
 */
export class DispatchSpans {
  readonly #tracer: Tracer;
  readonly #api: typeof OtelApi;
  readonly #producer: { kind: OtelApi.SpanKind };
  readonly #internal: { kind: OtelApi.SpanKind };
  #inert = false;
  #inertWhile: unknown;

  constructor(tracer: Tracer) {
    this.#tracer = tracer;
    this.#api = otel();
    this.#producer = { kind: this.#api.SpanKind.PRODUCER };
    this.#internal = { kind: this.#api.SpanKind.INTERNAL };
  }

  /** Whether the tracer gave a span without trace context and nothing was registered globally since. */
  get inert(): boolean {
    if (this.#inert && registeredTraceApi() !== this.#inertWhile) this.#inert = false;
    return this.#inert;
  }

  /**
   * Starts the span of one dispatch. The message's class names it; its kind and the dispatch's correlation id
   * (which may have to be generated) are read only when the span records.
   */
  start(
    operation: Operation,
    message: object,
    slice: string | undefined,
    dispatch: { readonly correlationId: string },
    parent: Span | undefined,
  ): { span: Span; context: OtelContext } | undefined {
    if (this.inert) return undefined;
    const { context: contextApi, trace, INVALID_TRACEID } = this.#api;
    const active = contextApi.active();
    const base = parent ? trace.setSpan(active, parent) : active;
    const messageClass = message.constructor as { name: string; kind?: string };
    const span = this.#tracer.startSpan(
      `${operation} ${messageClass.name}`,
      operation === 'publish' ? this.#producer : this.#internal,
      base,
    );
    if (!span.isRecording()) {
      const spanContext = span.spanContext();
      if (spanContext.traceId === INVALID_TRACEID || !trace.isSpanContextValid(spanContext)) {
        this.#inert = parent === undefined;
        this.#inertWhile = registeredTraceApi();
        return undefined;
      }
      return { span, context: trace.setSpan(base, span) };
    }
    span.setAttributes({
      'messaging.system': 'slicewise',
      'messaging.operation.type': 'send',
      'messaging.operation.name': operation,
      'messaging.destination.name': messageClass.name,
      'messaging.message.conversation_id': dispatch.correlationId,
      'slicewise.message.kind': messageClass.kind ?? 'request',
      ...(slice !== undefined && { 'slicewise.slice': slice }),
    });
    return { span, context: trace.setSpan(base, span) };
  }
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
