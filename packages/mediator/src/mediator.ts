import type { Span, Tracer } from '@opentelemetry/api';
import { ContainerInstance } from 'typedi';
import { abortError, raceAbort } from './abort.js';
import { type ComposedSubscription, type Composition, compose, type Route } from './composition.js';
import { CompositionError, MissingHandlerError } from './composition-error.js';
import type { DispatchOptions, ErrorHook } from './context.js';
import type { DispatchEvent, MediatorOptions, Publisher, Sender } from './contracts.js';
import { describeComposition, type MessageDescription } from './describe.js';
import { Context, neverAborted, noValues, type Runtime, rootContext } from './dispatch-context.js';
import { type EventSink, eventOf } from './event.js';
import { invalidMessage, invalidOptions, isPublishStrategy } from './invalid-argument.js';
import type { ItemOf, Message, MessageClass, Notification, Request, ResponseOf, StreamRequest } from './messages.js';
import type { RequestInvoker } from './pipeline.js';
import { type PublishOptions, type PublishStrategy, runHandlers } from './publish.js';
import { resolveSlices } from './resolve-slices.js';
import { memoisedServices } from './scope.js';
import { hookError, isThenable, settleDispatch } from './settle.js';
import type { Slice } from './slice.js';
import { guardStream } from './stream-guard.js';
import { DispatchSpans, failSpan, resolveTracer, withSpan } from './tracing.js';

export type { DispatchEvent, MediatorOptions, Publisher, Sender } from './contracts.js';
export type { MessageDescription } from './describe.js';

type Operation = DispatchEvent['operation'];

/** The composed mediator of one host. Create it with {@link createMediator}. */
export class Mediator implements Sender, Publisher {
  readonly container: ContainerInstance;
  /** The composed slices, each once, the slices they require before them. */
  readonly slices: readonly Slice[];
  readonly #composition: Composition;
  readonly #publishStrategy: PublishStrategy;
  readonly #runtime: Runtime;
  readonly #onError: ErrorHook | undefined;
  readonly #tracer: Tracer | undefined;
  readonly #spans: DispatchSpans | undefined;
  readonly #scopes: boolean;
  readonly #eventSink: EventSink | undefined;
  #listeners: ((event: DispatchEvent) => void)[] = [];
  /** Nothing to do around a dispatch without options: no tracer, hook, scopes or listeners. */
  #fast: boolean;
  /** Nothing around a dispatch but a tracer: fast too while that tracer is inert (a no-op tracer, see DispatchSpans). */
  #plain: boolean;

  /** @internal use {@link createMediator} */
  constructor(
    options: MediatorOptions,
    slices: readonly Slice[],
    container: ContainerInstance,
    composition: Composition,
  ) {
    this.slices = slices;
    this.container = container;
    this.#composition = composition;
    this.#publishStrategy = options.publishStrategy ?? 'sequential-all';
    if (!isPublishStrategy(this.#publishStrategy)) {
      throw new CompositionError(
        `Unknown publishStrategy ${String(this.#publishStrategy)}: sequential-all, sequential-stop, parallel, or a function`,
      );
    }
    this.#onError = options.onError;
    this.#tracer = resolveTracer(options.tracer);
    this.#spans = this.#tracer && new DispatchSpans(this.#tracer);
    this.#scopes = composition.scoped.size > 0;
    this.#eventSink = options.eventSink;
    this.#plain = !this.#onError && !this.#scopes;
    this.#fast = this.#plain && !this.#tracer;
    const dispatcher = {
      nestedSend: (request: Request<unknown>, parent: Context) => {
        const invalid = invalidMessage('send', request);
        if (invalid) return Promise.reject(invalid);
        const route = this.#composition.requests.get(request.constructor as MessageClass);
        return this.#send(request, route, parent.child());
      },
      nestedStream: (request: StreamRequest<unknown>, parent: Context) => {
        const invalid = invalidMessage('stream', request);
        if (invalid) throw invalid;
        return this.#stream(request, parent.child());
      },
      nestedPublish: (notification: Notification, parent: Context, publish: PublishOptions | undefined) => {
        const invalid =
          invalidMessage('publish', notification) ?? (publish === undefined ? undefined : invalidOptions(publish));
        if (invalid) return Promise.reject(invalid);
        return this.#publish(notification, parent.child(), publish?.strategy);
      },
    };
    this.#runtime = { dispatcher, scoped: composition.scoped, services: memoisedServices(container) };
  }

  /** Dispatches a request through its pipeline to its handler; resolves with the handler's response. */
  send<TRequest extends Request<unknown>>(request: TRequest, options?: DispatchOptions): Promise<ResponseOf<TRequest>> {
    const route =
      request === null || typeof request !== 'object'
        ? undefined
        : this.#composition.requests.get(request.constructor as MessageClass);
    if (
      (this.#fast || (this.#plain && (this.#spans as DispatchSpans).inert)) &&
      route !== undefined &&
      (options === undefined || options.timeout === undefined)
    ) {
      const signal = options?.signal;
      if (signal === undefined || signal instanceof AbortSignal) {
        return this.#sendFast(request, route, options, signal) as Promise<ResponseOf<TRequest>>;
      }
    }
    const invalid =
      (route === undefined ? invalidMessage('send', request) : undefined) ??
      (options === undefined ? undefined : invalidOptions(options));
    if (invalid) return Promise.reject(invalid);
    return this.#send(request, route, rootContext(this.#runtime, options)) as Promise<ResponseOf<TRequest>>;
  }

  /**
   * `send` with nothing around the dispatch (no tracer, hook, scopes, listeners or timeout): the pipeline, and the
   * race against the caller's signal when there is one and the pipeline went asynchronous.
   */
  #sendFast(
    request: Request<unknown>,
    route: Route<RequestInvoker>,
    options: DispatchOptions | undefined,
    signal: AbortSignal | undefined,
  ): Promise<unknown> {
    if (signal?.aborted) return Promise.reject(abortError(signal));
    const context =
      options === undefined
        ? new Context(this.#runtime, neverAborted, undefined, noValues, undefined, undefined)
        : new Context(
            this.#runtime,
            signal ?? neverAborted,
            options.caller,
            options.values ?? noValues,
            options.correlationId,
            undefined,
          );
    let outcome: unknown;
    try {
      outcome = route.invoke(request, context);
    } catch (error) {
      return Promise.reject(error);
    }
    if (signal === undefined || !isThenable(outcome)) return Promise.resolve(outcome);
    return raceAbort(signal, outcome); // checks the signal again: the handler may have aborted it synchronously
  }

  /** Dispatches a stream request; iterate the result to receive the handler's items as they come. */
  stream<TRequest extends StreamRequest<unknown>>(
    request: TRequest,
    options?: DispatchOptions,
  ): AsyncIterable<ItemOf<TRequest>> {
    // A misuse throws here, at the call, as a missing handler does: nothing has started yet.
    const invalid = invalidMessage('stream', request) ?? (options === undefined ? undefined : invalidOptions(options));
    if (invalid) throw invalid;
    return this.#stream(request, rootContext(this.#runtime, options)) as AsyncIterable<ItemOf<TRequest>>;
  }

  /**
   * Tells every in-process handler of the notification; with none, resolves at once. A durable event (see
   * `declareEvent`) is first appended to the event sink, synchronously: inside a transaction it is written in that
   * transaction, and a failure to append throws here, at once. Its in-process handlers then run after the current
   * synchronous code (the transaction) has finished.
   */
  publish(notification: Notification, options?: DispatchOptions & PublishOptions): Promise<void> {
    if (notification === null || typeof notification !== 'object') {
      return Promise.reject(invalidMessage('publish', notification));
    }
    const handlers = this.#composition.notificationHandlers.get(notification.constructor as MessageClass);
    if (handlers.length === 0) {
      const invalid = invalidMessage('publish', notification);
      if (invalid) return Promise.reject(invalid);
    }
    if (
      options === undefined &&
      (this.#fast || (this.#plain && (this.#spans as DispatchSpans).inert)) &&
      !this.#isDurable(notification)
    ) {
      if (handlers.length === 0) return Promise.resolve();
      const context = rootContext(this.#runtime, undefined);
      return runHandlers(handlers, notification, context, this.#publishStrategy);
    }
    const invalid = options === undefined ? undefined : invalidOptions(options);
    if (invalid) return Promise.reject(invalid);
    return this.#publish(notification, rootContext(this.#runtime, options), options?.strategy);
  }

  /** The durable subscriptions of the composed slices, handlers built: what the host's event log drives. */
  get subscriptions(): readonly ComposedSubscription[] {
    return this.#composition.subscriptions;
  }

  /** Every message the composed slices handle, with its slices, handlers, effective pipeline and declaration. */
  describe(): MessageDescription[] {
    return describeComposition(this.#composition);
  }

  /** Calls `listener` as each dispatch starts, nested ones included; returns the unsubscribe function. */
  onDispatch(listener: (event: DispatchEvent) => void): () => void {
    this.#listeners = [...this.#listeners, listener];
    this.#fast = false;
    this.#plain = false;
    return () => {
      this.#listeners = this.#listeners.filter((known) => known !== listener);
      this.#plain = this.#listeners.length === 0 && !this.#onError && !this.#scopes;
      this.#fast = this.#plain && !this.#tracer;
    };
  }

  #send(request: Request<unknown>, route: Route<RequestInvoker> | undefined, context: Context): Promise<unknown> {
    if (this.#listeners.length > 0) this.#tell({ operation: 'send', message: request, context });
    const span = this.#span('send', request, route?.slice, context);
    const signal = context.existingSignal;
    let work: Promise<unknown>;
    let pending = false;
    if (route === undefined) work = Promise.reject(new MissingHandlerError(request.constructor.name));
    else if (signal?.aborted) work = Promise.reject(abortError(signal));
    else {
      try {
        const outcome = span
          ? withSpan(span.context, () => route.invoke(request, context))
          : route.invoke(request, context);
        // A pipeline that returned a plain value never gave the signal a chance: nothing to race.
        pending = isThenable(outcome);
        work = Promise.resolve(outcome);
      } catch (error) {
        work = Promise.reject(error);
      }
    }
    return this.#settle(work, 'send', request, context, span?.span, pending);
  }

  #publish(notification: Notification, context: Context, strategy: PublishStrategy | undefined): Promise<void> {
    if (this.#listeners.length > 0) this.#tell({ operation: 'publish', message: notification, context });
    const span = this.#span('publish', notification, undefined, context);
    const handlers = this.#composition.notificationHandlers.get(notification.constructor as MessageClass);
    const signal = context.existingSignal;
    const run = () => runHandlers(handlers, notification, context, strategy ?? this.#publishStrategy);
    let work: Promise<void>;
    const durable = this.#isDurable(notification);
    if (signal?.aborted && !durable) work = Promise.reject(abortError(signal));
    else if (durable) {
      // Appended now, in the caller's transaction if one is open; a failure throws into that transaction. So does
      // an aborted dispatch: its transaction must not commit the rows without the event (a promise it may never
      // await would reject, unhandled, instead).
      try {
        if (signal?.aborted) throw abortError(signal);
        if (span) withSpan(span.context, () => this.#eventSink?.append(notification, context));
        else this.#eventSink?.append(notification, context);
      } catch (error) {
        if (span) failSpan(span.span, error);
        throw error;
      }
      if (handlers.length === 0 && !span && !this.#onError) return Promise.resolve(); // appended: nothing else to do
      work = Promise.resolve().then(span ? () => withSpan(span.context, run) : run);
    } else work = span ? withSpan(span.context, run) : run();
    return this.#settle(work, 'publish', notification, context, span?.span, true);
  }

  #isDurable(notification: Notification): boolean {
    return this.#eventSink !== undefined && eventOf(notification?.constructor as MessageClass) !== undefined;
  }

  #stream(request: StreamRequest<unknown>, context: Context): AsyncIterable<unknown> {
    const route = this.#composition.streams.get(request.constructor as MessageClass);
    if (!route) throw new MissingHandlerError(request.constructor.name);
    if (this.#listeners.length > 0) this.#tell({ operation: 'stream', message: request, context });
    const run = () => route.invoke(request, context);
    const ownsScope = context.root === context && this.#scopes;
    if (!this.#onError && !this.#tracer && !ownsScope && !context.abortable) return run();
    const span = this.#span('stream', request, route.slice, context);
    const onError = this.#onError;
    const fail = (error: unknown) =>
      onError ? hookError(onError, error, { message: request, operation: 'stream', context }) : error;
    return guardStream(run, { context, span: span?.span, spanContext: span?.context, fail, ownsScope });
  }

  /** See {@link settleDispatch}; the error hook is told which dispatch failed. */
  #settle<T>(
    work: Promise<T>,
    operation: Operation,
    message: Message,
    context: Context,
    span: Span | undefined,
    pending = false,
  ): Promise<T> {
    const onError = this.#onError;
    const fail = onError && ((error: unknown) => hookError(onError, error, { message, operation, context }));
    return settleDispatch(work, { context, span, pending, ownsScope: this.#scopes && context.root === context, fail });
  }

  #span(operation: Operation, message: Message, slice: string | undefined, context: Context) {
    const spans = this.#spans;
    if (!spans) return undefined;
    const started = spans.start(operation, message, slice, context, context.parentSpan);
    if (started) context.span = started.span;
    return started;
  }

  #tell(event: DispatchEvent): void {
    for (const listener of this.#listeners) listener(event);
  }
}

/**
 * Composes slices (and the slices they require) into a mediator. Fails at once, naming the request and the
 * slices, when a slice is listed twice, two slices handle the same request, or a request a slice sends has no
 * handler.
 *
 * @example
 * const mediator = createMediator({ slices: [getActiveUsers] });
 * const users = await mediator.send(new GetActiveUsers()); // UserDto[]
 */
export function createMediator(options: MediatorOptions): Mediator {
  const container = options.container ?? new ContainerInstance(`slicewise-${++containerCount}`);
  const slices = resolveSlices(options.slices);
  const composition = compose(slices, options.behaviors ?? [], container, options.handlerOverride);
  return new Mediator(options, slices, container, composition);
}

let containerCount = 0;
