import { createRequire } from 'node:module';
import type * as OtelApi from '@opentelemetry/api';
import type { Link, Span, Tracer } from '@opentelemetry/api';
import type { ComposedSubscription } from '@slicewise/mediator';

/** The instrumentation scope name of the spans the event log starts. */
const tracerName = '@slicewise/events';

/** Where `@opentelemetry/api` 1.x keeps what was registered globally (a tracer provider under `trace`). */
const otelGlobal = Symbol.for('opentelemetry.js.api.1');

/** What is registered globally for tracing: one property read (no allocation) when OpenTelemetry is not set up. */
const registeredTraceApi = (): unknown => (globalThis as { [otelGlobal]?: { trace?: unknown } })[otelGlobal]?.trace;

let loaded: typeof OtelApi | undefined;

/** `@opentelemetry/api`, loaded on first use: a process that registers no tracer provider never loads it. */
function otel(): typeof OtelApi {
  loaded ??= createRequire(import.meta.url)('@opentelemetry/api') as typeof OtelApi;
  return loaded;
}

/** Version 00 of W3C trace context: trace id, parent (span) id, flags. */
const traceparentPattern = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** The link to the span a stored `traceparent` names, or `undefined` when it is missing, malformed or invalid. */
function linkTo(traceparent: string | null): Link | undefined {
  const match = traceparent === null ? null : traceparentPattern.exec(traceparent);
  if (!match) return undefined;
  const [, traceId = '', spanId = '', flags = '00'] = match;
  const context = { traceId, spanId, traceFlags: Number.parseInt(flags, 16), isRemote: true };
  return otel().trace.isSpanContextValid(context) ? { context } : undefined;
}

/**
 * The tracing of one event log. With the default option it traces while a tracer provider is registered globally and
 * costs one property read (no allocation) per append or batch otherwise; given a tracer it always traces with that
 * one; given `false` it never traces.
 */
export class EventTracing {
  readonly #option: Tracer | false | undefined;
  #global: { registered: unknown; tracer: Tracer } | undefined;

  constructor(option: Tracer | false | undefined) {
    this.#option = option;
  }

  /** The tracer for process spans now, or `undefined` when not tracing. */
  #tracer(): Tracer | undefined {
    if (this.#option !== undefined) return this.#option || undefined;
    const registered = registeredTraceApi();
    if (registered === undefined) return undefined;
    if (this.#global?.registered !== registered) {
      this.#global = { registered, tracer: otel().trace.getTracer(tracerName) };
    }
    return this.#global.tracer;
  }

  /**
   * The W3C `traceparent` of the active span (inside `publish`, the mediator's publish span), stored with the event
   * so the span that handles it can link back; `null` when not tracing or no span is active.
   */
  activeTraceparent(): string | null {
    if (this.#option === false || (this.#option === undefined && registeredTraceApi() === undefined)) return null;
    const { trace } = otel();
    const spanContext = trace.getActiveSpan()?.spanContext();
    if (spanContext === undefined || !trace.isSpanContextValid(spanContext)) return null;
    const flags = (spanContext.traceFlags & 0xff).toString(16).padStart(2, '0');
    return `00-${spanContext.traceId}-${spanContext.spanId}-${flags}`;
  }

  /**
   * Runs `handle` (a subscription's handling of one batch) inside a `process <subscription>` span linked to the
   * publish span of every event that stored one, following the messaging conventions; records a failure on it (a
   * thrown error or a rejected promise). When not tracing it only calls `handle`.
   */
  traceBatch<T>(
    subscription: ComposedSubscription,
    events: readonly { readonly traceparent: string | null }[],
    handle: () => T,
  ): T {
    const tracer = this.#tracer();
    if (tracer === undefined) return handle();
    const api = otel();
    const links: Link[] = [];
    for (const { traceparent } of events) {
      const link = linkTo(traceparent);
      if (link) links.push(link);
    }
    const span = tracer.startSpan(`process ${subscription.name}`, {
      kind: api.SpanKind.CONSUMER,
      links,
      attributes: {
        'messaging.system': 'slicewise',
        'messaging.operation.type': 'process',
        'messaging.operation.name': 'process',
        'messaging.destination.name': subscription.types.join(', '),
        'messaging.destination.subscription.name': subscription.name,
        'messaging.batch.message_count': events.length,
        'slicewise.slice': subscription.slice,
      },
    });
    let result: T;
    try {
      result = api.context.with(api.trace.setSpan(api.context.active(), span), handle);
    } catch (error) {
      failSpan(span, error);
      throw error;
    }
    if (!isThenable(result)) {
      span.end();
      return result;
    }
    return Promise.resolve(result).then(
      (value) => {
        span.end();
        return value;
      },
      (error: unknown) => {
        failSpan(span, error);
        throw error;
      },
    ) as T;
  }

  /**
   * `drive` bound to the root context when tracing, so the log's own driving (woken by a publisher, or by its poll)
   * does not run inside the context that woke it: its process spans do not become children of a publish span.
   */
  detached(drive: () => void): () => void {
    if (this.#tracer() === undefined) return drive;
    const { context, ROOT_CONTEXT } = otel();
    return context.bind(ROOT_CONTEXT, drive);
  }
}

const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  typeof (value as PromiseLike<unknown> | null | undefined)?.then === 'function';

/** Ends a span as a failure: records the exception, its error type and the error status. */
function failSpan(span: Span, error: unknown): void {
  const exception = error instanceof Error ? error : new Error(String(error));
  span.recordException(exception);
  const code = (error as { code?: unknown } | null | undefined)?.code;
  span.setAttribute('error.type', typeof code === 'string' ? code : exception.name);
  span.setStatus({ code: otel().SpanStatusCode.ERROR, message: exception.message });
  span.end();
}
