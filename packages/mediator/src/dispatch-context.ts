import { randomUUID } from 'node:crypto';
import type { Span } from '@opentelemetry/api';
import { InternalError } from '@slicewise/errors';
import type { Caller, DispatchContext } from './context.js';
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
 * values, correlation id and scope, its own span.
 */
export class Context implements DispatchContext {
  readonly #runtime: Runtime;
  /** The outermost context's signal once it exists; a nested context asks its root. */
  #signal: AbortSignal | undefined;
  /** Makes the signal the first time it is needed (see `DispatchOptions.signal`). */
  #makeSignal: (() => AbortSignal) | undefined;
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
    this.caller = caller;
    this.values = values;
    this.#correlationId = correlationId;
    this.root = root ?? this;
    this.span = undefined;
    this.parentSpan = undefined;
    this.#scope = undefined;
  }

  /** The dispatch's signal, made now if it was given as a function and nothing needed it yet. */
  get signal(): AbortSignal {
    if (this.root !== this) return this.root.signal;
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
    return this.root === this ? this.#signal : this.root.existingSignal;
  }

  /** Whether the dispatch can be aborted at all: it was given a signal, made yet or not. */
  get abortable(): boolean {
    if (this.root !== this) return this.root.abortable;
    return this.#makeSignal !== undefined || this.#signal !== neverAborted;
  }

  /** A context for a dispatch nested in this one: it shares this one's signal, made or not. */
  child(): Context {
    const child = new Context(this.#runtime, neverAborted, this.caller, this.values, this.correlationId, this.root);
    child.parentSpan = this.span;
    return child;
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
