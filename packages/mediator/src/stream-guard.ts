import type { Context as OtelContext, Span } from '@opentelemetry/api';
import { abortError } from './abort.js';
import type { Context } from './dispatch-context.js';
import { failSpan, withSpan } from './tracing.js';

/** What a guarded stream does around its items: abort checks, the span, the error hook, the scope. */
export interface StreamGuard {
  readonly context: Context;
  readonly span: Span | undefined;
  readonly spanContext: OtelContext | undefined;
  /** Turns a failure into what the consumer sees (the `onError` hook). */
  readonly fail: (error: unknown) => unknown;
  /** Whether this stream is the outermost dispatch, which disposes the scope. */
  readonly ownsScope: boolean;
}

/**
 * Yields the handler's items until the signal aborts (then throws `CANCELLED`/`TIMEOUT`), ends the span,
 * passes failures through the error hook, and disposes the scope when the consumer finishes or stops early.
 */
export async function* guardStream<T>(run: () => AsyncIterable<T>, guard: StreamGuard): AsyncIterable<T> {
  const { context, span } = guard;
  const signal = context.signal;
  let ended = false;
  try {
    if (signal.aborted) throw abortError(signal);
    const items = guard.spanContext ? withSpan(guard.spanContext, run) : run();
    for await (const item of items) {
      if (signal.aborted) throw abortError(signal);
      yield item;
    }
    if (signal.aborted) throw abortError(signal);
  } catch (error) {
    const final = guard.fail(error);
    if (span) failSpan(span, final);
    ended = true;
    throw final;
  } finally {
    if (span && !ended) span.end();
    context.release();
    if (guard.ownsScope) await context.disposeScope();
  }
}
