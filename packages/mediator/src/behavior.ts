import type { DispatchContext } from './context.js';
import type { Message, MessageClass, MessageKind } from './messages.js';

/** What a behavior may hand to `next`: a signal or deadline of its own for the rest of the pipeline. */
export interface NextOptions {
  /** Also aborts the rest of the pipeline (inner behaviors, the handler and its nested dispatches). */
  readonly signal?: AbortSignal;
  /** Milliseconds before the rest of the pipeline is aborted and `next()` rejects with a `TIMEOUT` error. */
  readonly timeout?: number;
}

/**
 * Calls the rest of the pipeline: the next behavior, or the handler. A request behavior may pass
 * {@link NextOptions}: the rest then sees a signal that aborts with the dispatch's, the given one, or at the given
 * deadline (whichever comes first), and `next()` rejects as soon as it does. The dispatch's own signal is unchanged.
 */
export type Next<TResult> = (options?: NextOptions) => TResult;

/** Calls the rest of a stream pipeline. */
export type StreamNext = () => AsyncIterable<unknown>;

/**
 * A pipeline behavior: code that runs around handlers, like MediatR's `IPipelineBehavior`. Behaviors
 * registered first are outermost: for behaviors A then B, the order is A before, B before, handler,
 * B after, A after. A behavior short-circuits by returning without calling `next`.
 */
export interface Behavior {
  /** Shown by `mediator.describe()` in each request's effective pipeline. */
  readonly name: string;
  /** Which messages it wraps, decided once per message class at composition. Default: every request and stream. */
  appliesTo?(messageClass: MessageClass, kind: MessageKind): boolean;
  /** Wraps a request (query or command). Omit to leave requests alone. */
  handle?(request: Message, context: DispatchContext, next: Next<Promise<unknown>>): Promise<unknown>;
  /** Wraps a stream request. Omit to leave streams alone. */
  stream?(request: Message, context: DispatchContext, next: StreamNext): AsyncIterable<unknown>;
}

/** Options of {@link defineBehavior}. */
export interface BehaviorDefinition extends Omit<Behavior, 'appliesTo'> {
  /** Restrict the behavior to some kinds, e.g. `['command']`. */
  readonly kinds?: readonly MessageKind[];
  /** Restrict it further by message class (a tag, a static property, a base class…). */
  readonly when?: (messageClass: MessageClass) => boolean;
}

/**
 * Defines a pipeline behavior.
 *
 * @example
 * const timing = defineBehavior({
 *   name: 'timing',
 *   kinds: ['command'],
 *   async handle(request, context, next) {
 *     const started = performance.now();
 *     try { return await next(); } finally { log(request, performance.now() - started); }
 *   },
 * });
 */
export function defineBehavior(definition: BehaviorDefinition): Behavior {
  const { kinds, when, ...behavior } = definition;
  return {
    ...behavior,
    appliesTo: (messageClass, kind) => (!kinds || kinds.includes(kind)) && (!when || when(messageClass)),
  };
}

/** The behaviors that wrap one message class, in pipeline order. */
export function behaviorsFor(
  behaviors: readonly Behavior[],
  messageClass: MessageClass,
  kind: MessageKind,
  part: 'handle' | 'stream',
): Behavior[] {
  return behaviors.filter(
    (behavior) => behavior[part] !== undefined && (behavior.appliesTo ? behavior.appliesTo(messageClass, kind) : true),
  );
}
