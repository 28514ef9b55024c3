import { abortError, isTimeout, raceAbort } from './abort.js';
import type { Behavior, NextOptions } from './behavior.js';
import type { DispatchContext } from './context.js';
import type { Context } from './dispatch-context.js';
import type { RequestHandler, StreamHandler } from './handler.js';
import { InvalidArgumentError } from './invalid-argument.js';
import type { Message } from './messages.js';

/**
 * A request's handler with its behaviors around it, composed once at start-up. It returns the response, or a
 * promise of it: a pipeline whose every part is synchronous (guards that pass at once, a synchronous handler, no
 * wrapping behavior) returns the value itself, so the dispatch never waits a tick.
 */
export type RequestInvoker = (request: Message, context: DispatchContext) => unknown;

/** A stream request's handler with its behaviors around it. */
export type StreamInvoker = (request: Message, context: DispatchContext) => AsyncIterable<unknown>;

/**
 * A check that runs at its place in the pipeline before the rest of it, without wrapping it (the built-in
 * authorization and validation): it returns nothing when it passes at once, a promise when it must wait, and
 * throws to refuse.
 */
export type Guard = (request: Message, context: DispatchContext) => void | Promise<void>;

const guardOf = (behavior: object): Guard | undefined => (behavior as { guard?: Guard }).guard;

/** The rest of the pipeline as a promise, as a behavior's `next` promises: a synchronous throw becomes a rejection. */
function settle(invoke: RequestInvoker, request: Message, context: DispatchContext): Promise<unknown> {
  try {
    return Promise.resolve(invoke(request, context));
  } catch (error) {
    return Promise.reject(error);
  }
}

/**
 * The rest of the pipeline under a behavior's own signal or deadline: a narrowed context, raced against its
 * signal, its timer cleared and its listener removed as soon as it settles.
 */
function settleNarrowed(
  invoke: RequestInvoker,
  request: Message,
  context: DispatchContext,
  options: NextOptions,
): Promise<unknown> {
  const { signal, timeout } = options;
  if ((timeout !== undefined && !isTimeout(timeout)) || (signal !== undefined && !(signal instanceof AbortSignal))) {
    return Promise.reject(
      new InvalidArgumentError('next() takes { signal?: AbortSignal, timeout?: milliseconds from 0 }', {
        timeout: String(timeout),
      }),
    );
  }
  const narrowed = (context as Context).narrow(options);
  if (narrowed.signal.aborted) {
    narrowed.release();
    return Promise.reject(abortError(narrowed.signal));
  }
  const release = () => narrowed.release();
  const work = raceAbort(narrowed.signal, settle(invoke, request, narrowed));
  work.then(release, release);
  return work;
}

/** The request's own input, which the pipeline's context holds until validation replaces it with the parsed one. */
const ownInput = (request: Message): unknown => (request as { input?: unknown }).input;

/**
 * Nests behaviors around a request handler, the first outermost, behind a first step that puts the request's
 * input in the context (`context.input`).
 * Guards run in place and add no promise; only a wrapping behavior's `next` settles the rest into one (a
 * synchronous throw from a behavior still becomes a rejection, in its async caller or in `send`).
 */
export function composeRequest(behaviors: readonly Behavior[], handler: RequestHandler<never>): RequestInvoker {
  let invoke: RequestInvoker = (request, context) => handler.handle(request as never, context as never);
  for (let i = behaviors.length - 1; i >= 0; i--) {
    const behavior = behaviors[i] as Required<Pick<Behavior, 'handle'>>;
    const inner = invoke;
    const guard = guardOf(behavior);
    invoke = guard
      ? (request, context) => {
          const waiting = guard(request, context);
          return waiting === undefined ? inner(request, context) : waiting.then(() => inner(request, context));
        }
      : (request, context) =>
          behavior.handle(request, context, (options) =>
            options === undefined ? settle(inner, request, context) : settleNarrowed(inner, request, context, options),
          );
  }
  const pipeline = invoke;
  return (request, context) => {
    (context as Context).input = ownInput(request);
    return pipeline(request, context);
  };
}

/** Nests stream behaviors around a stream handler, the first outermost, as {@link composeRequest} does. */
export function composeStream(behaviors: readonly Behavior[], handler: StreamHandler<never>): StreamInvoker {
  let invoke: StreamInvoker = (request, context) => handler.handle(request as never, context as never);
  for (let i = behaviors.length - 1; i >= 0; i--) {
    const behavior = behaviors[i] as Required<Pick<Behavior, 'stream'>>;
    const inner = invoke;
    invoke = (request, context) => behavior.stream(request, context, () => inner(request, context));
  }
  const pipeline = invoke;
  return (request, context) => {
    (context as Context).input = ownInput(request);
    return pipeline(request, context);
  };
}
