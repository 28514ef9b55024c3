import { randomUUID } from 'node:crypto';
import type { Span } from '@opentelemetry/api';
import { InternalError } from '@slicewise/errors';
import { Deadline, madeNow } from './abort.js';
import type { NextOptions } from './behavior.js';
import type { Caller, DispatchContext, DispatchOptions } from './context.js';
import type { ItemOf, Notification, Request, ResponseOf, StreamRequest } from './messages.js';
import type { PublishOptions } from './publish.js';
import { Scope, type Scoped, type Services } from './scope.js';

/** What the contexts of one mediator share: where nested dispatches go, and what scopes may hold. */
export interface Runtime {
  readonly dispatcher: {
    nestedSend(request: Request<unknown>, parent: Context): Promise<unknown>;
    nestedStream(request: StreamRequest<unknown>, parent: Context): AsyncIterable<unknown>;
    nestedPublish(notification: Notification, parent: Context, options: PublishOptions | undefined): Promise<void>;
  };
  readonly scoped: ReadonlySet<Scoped<unknown>>;
  readonly services: Services;
}

export const noValues: ReadonlyMap<string, unknown> = new Map();
export const neverAborted: AbortSignal = new AbortController().signal;

/**
 * The context of one dispatch. A nested dispatch made through it gets a child context: same signal, caller,
 * values, correlation id and scope, its own span. A behavior that passes its own signal or deadline to `next`
 * gets a narrowed context for the rest of the pipeline: same dispatch, a signal of its own.
 */
export class Context implements DispatchContext {
  readonly #runtime: Runtime;
  /** The signal once it exists, on the context that owns it; the others ask their `#signalOwner`. */
  #signal: AbortSignal | undefined;
  /** The context whose signal this one shares: itself, its root, or the narrowed context it was made in. */
  #signalOwner: Context;
  /** The own timer and parent listener behind `#signal`, released when the dispatch settles. */
  #deadline: Deadline | undefined;
  /** Makes the signal the first time it is needed (see `DispatchOptions.signal`). */
  #makeSignal: (() => AbortSignal) | undefined;
  /** The request's input: set as its pipeline starts, replaced by what validation parsed (see `DispatchContext`). */
  input: unknown;
  readonly caller: Caller | undefined;
  readonly values: ReadonlyMap<string, unknown>;
  #correlationId: string | undefined;
  /** The outermost context of the dispatch: it owns the scope. */
  readonly root: Context;
  /** The span of this dispatch, when tracing. */
  span: Span | undefined;
  /** The span of the dispatch this one is nested in, when tracing. */
  parentSpan: Span | undefined;
  /** `null` once the outermost dispatch has ended and its scope is disposed. */
  #scope: Scope | undefined | null;

  constructor(
    runtime: Runtime,
    signal: AbortSignal | (() => AbortSignal),
    caller: Caller | undefined,
    values: ReadonlyMap<string, unknown>,
    correlationId: string | undefined,
    root: Context | undefined,
  ) {
    this.#runtime = runtime;
    if (typeof signal === 'function') this.#makeSignal = signal;
    else this.#signal = signal;
    this.input = undefined;
    this.caller = caller;
    this.values = values;
    this.#correlationId = correlationId;
    this.root = root ?? this;
    this.#signalOwner = root ?? this;
    this.#deadline = undefined;
    this.span = undefined;
    this.parentSpan = undefined;
    this.#scope = undefined;
  }

  /** The dispatch's signal, made now if it was given as a function and nothing needed it yet. */
  get signal(): AbortSignal {
    if (this.#signalOwner !== this) return this.#signalOwner.signal;
    if (this.#signal === undefined) {
      const make = this.#makeSignal as () => AbortSignal;
      this.#makeSignal = undefined;
      try {
        this.#signal = make();
      } catch (error) {
        this.#signal = AbortSignal.abort(error); // the dispatch then ends CANCELLED, with the failure as cause
      }
    }
    return this.#signal;
  }

  /** The signal if it exists (a signal given as a function may not be made yet), without making it. */
  get existingSignal(): AbortSignal | undefined {
    return this.#signalOwner === this ? this.#signal : this.#signalOwner.existingSignal;
  }

  /** Whether the dispatch can be aborted at all: it was given a signal, made yet or not. */
  get abortable(): boolean {
    const owner = this.#signalOwner;
    if (owner !== this) return owner.abortable;
    return this.#makeSignal !== undefined || this.#signal !== neverAborted;
  }

  /** A context for a dispatch nested in this one: it shares this one's signal, made or not. */
  child(): Context {
    const child = new Context(this.#runtime, neverAborted, this.caller, this.values, this.correlationId, this.root);
    child.#signalOwner = this.#signalOwner;
    child.parentSpan = this.span;
    return child;
  }

  /** Gives this (outermost) context a deadline: its signal aborts with the caller's or when the timer fires. */
  static withDeadline(context: Context, deadline: Deadline): Context {
    context.#deadline = deadline;
    return context;
  }

  /**
   * The context for the rest of a pipeline whose behavior called `next({ signal, timeout })`: the same dispatch
   * (caller, values, correlation id, scope, span) with a signal that aborts with this one's, the given one's, or
   * at the given deadline. {@link Context.release} it when that part settles.
   */
  narrow(options: NextOptions): Context {
    const deadline = new Deadline(this.abortable ? this.signal : undefined, options.timeout, options.signal);
    const narrowed = new Context(
      this.#runtime,
      deadline.signal,
      this.caller,
      this.values,
      this.correlationId,
      this.root,
    );
    narrowed.#signalOwner = narrowed;
    narrowed.#deadline = deadline;
    narrowed.span = this.span;
    narrowed.parentSpan = this.parentSpan;
    narrowed.input = this.input;
    return narrowed;
  }

  /** Whether this context owns a deadline to release when its dispatch settles. */
  get hasDeadline(): boolean {
    return this.#deadline !== undefined;
  }

  /** Clears this context's timer and stops listening to the parent signal. Idempotent. */
  release(): void {
    this.#deadline?.release();
  }

  get correlationId(): string {
    if (this.#correlationId === undefined) {
      this.#correlationId = this.root === this ? randomUUID() : this.root.correlationId;
    }
    return this.#correlationId;
  }

  send<TRequest extends Request<unknown>>(request: TRequest): Promise<ResponseOf<TRequest>> {
    return this.#runtime.dispatcher.nestedSend(request, this) as Promise<ResponseOf<TRequest>>;
  }

  stream<TRequest extends StreamRequest<unknown>>(request: TRequest): AsyncIterable<ItemOf<TRequest>> {
    return this.#runtime.dispatcher.nestedStream(request, this) as AsyncIterable<ItemOf<TRequest>>;
  }

  publish(notification: Notification, options?: PublishOptions): Promise<void> {
    return this.#runtime.dispatcher.nestedPublish(notification, this, options);
  }

  get<T>(service: Scoped<T>): T {
    const root = this.root;
    if (root.#scope === null) {
      throw new InternalError(`${service.name} was asked for after its dispatch ended: its scope is disposed`);
    }
    root.#scope ??= new Scope(this.#runtime.scoped, this.#runtime.services);
    return root.#scope.get(service, this);
  }

  /** Disposes the scope of this (outermost) dispatch, if anything was created in it. */
  disposeScope(): Promise<void> | undefined {
    const scope = this.#scope;
    this.#scope = null;
    return scope?.dispose();
  }
}

/**
 * The context of an outermost dispatch, from the caller's options. With a `timeout` its signal is a deadline's:
 * an own timer plus a listener on the caller's signal, both released when the dispatch settles.
 */
export function rootContext(runtime: Runtime, options: DispatchOptions | undefined): Context {
  if (options === undefined) return new Context(runtime, neverAborted, undefined, noValues, undefined, undefined);
  const { signal, timeout } = options;
  const deadline = timeout === undefined ? undefined : new Deadline(undefined, timeout, madeNow(signal));
  const context = new Context(
    runtime,
    deadline?.signal ?? signal ?? neverAborted,
    options.caller,
    options.values ?? noValues,
    options.correlationId,
    undefined,
  );
  return deadline === undefined ? context : Context.withDeadline(context, deadline);
}
