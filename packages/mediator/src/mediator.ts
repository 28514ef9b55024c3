import { randomUUID } from 'node:crypto';
import { ContainerInstance } from 'typedi';
import { abortable, dispatchSignal, raceAbort } from './abort.js';
import type { Behavior } from './behavior.js';
import { type Composition, compose } from './composition.js';
import { MissingHandlerError } from './composition-error.js';
import type { Caller, DispatchContext, DispatchOptions } from './context.js';
import { declarationOf, type RequestDeclaration } from './declaration.js';
import type {
  ItemOf,
  MessageClass,
  MessageKind,
  Notification,
  Request,
  ResponseOf,
  StreamRequest,
} from './messages.js';
import { type PublishOptions, type PublishStrategy, runHandlers } from './publish.js';
import { resolveSlices } from './resolve-slices.js';
import type { Slice } from './slice.js';

/** Sends requests to their one handler. Depend on this when a slice only sends. */
export interface Sender {
  send<TRequest extends Request<unknown>>(request: TRequest, options?: DispatchOptions): Promise<ResponseOf<TRequest>>;
  stream<TRequest extends StreamRequest<unknown>>(
    request: TRequest,
    options?: DispatchOptions,
  ): AsyncIterable<ItemOf<TRequest>>;
}

/** Publishes notifications to every handler of theirs. Depend on this when a slice only publishes. */
export interface Publisher {
  publish(notification: Notification, options?: DispatchOptions & PublishOptions): Promise<void>;
}

/** One registered message, for hosts that generate routes, commands and docs. */
export interface MessageDescription {
  readonly message: MessageClass;
  readonly name: string;
  readonly kind: MessageKind;
  /** The slice(s) handling it: one for requests, any number for notifications. */
  readonly slices: readonly string[];
  readonly handlers: readonly string[];
  /** The behaviors around its handler, outermost first. */
  readonly pipeline: readonly string[];
  readonly declaration: RequestDeclaration;
}

/** Options of {@link createMediator}. */
export interface MediatorOptions {
  /** The slices to compose, each listed once. */
  slices: readonly Slice[];
  /** Host behaviors, outermost first, around every matching request (see {@link Behavior}). */
  behaviors?: readonly Behavior[];
  /** The typedi container handlers are built from. Defaults to a fresh container of this mediator's own. */
  container?: ContainerInstance;
  /** How `publish` runs handlers unless a publish says otherwise. Default `sequential-all`. */
  publishStrategy?: PublishStrategy;
}

const noValues: ReadonlyMap<string, unknown> = new Map();
const neverAborted = new AbortController().signal;
let containerCount = 0;

/** The context of one dispatch; nested dispatches made through it inherit it. */
class Context implements DispatchContext {
  #correlationId: string | undefined;

  constructor(
    private readonly mediator: Mediator,
    readonly signal: AbortSignal,
    readonly caller: Caller | undefined,
    readonly values: ReadonlyMap<string, unknown>,
    correlationId: string | undefined,
  ) {
    this.#correlationId = correlationId;
  }

  get correlationId(): string {
    this.#correlationId ??= randomUUID();
    return this.#correlationId;
  }

  send<TRequest extends Request<unknown>>(request: TRequest): Promise<ResponseOf<TRequest>> {
    return this.mediator.send(request, this.#inherited());
  }

  stream<TRequest extends StreamRequest<unknown>>(request: TRequest): AsyncIterable<ItemOf<TRequest>> {
    return this.mediator.stream(request, this.#inherited());
  }

  publish(notification: Notification, options?: PublishOptions): Promise<void> {
    return this.mediator.publish(notification, { ...this.#inherited(), ...options });
  }

  #inherited(): DispatchOptions {
    const options: DispatchOptions = { correlationId: this.correlationId, values: this.values, signal: this.signal };
    return this.caller ? { ...options, caller: this.caller } : options;
  }
}

/** The composed mediator of one host. Create it with {@link createMediator}. */
export class Mediator implements Sender, Publisher {
  readonly container: ContainerInstance;
  /** The composed slices, each once, the slices they require before them. */
  readonly slices: readonly Slice[];
  readonly #composition: Composition;
  readonly #publishStrategy: PublishStrategy;

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
  }

  /** Dispatches a request through its pipeline to its handler; resolves with the handler's response. */
  send<TRequest extends Request<unknown>>(request: TRequest, options?: DispatchOptions): Promise<ResponseOf<TRequest>> {
    const route = this.#composition.requests.get(request.constructor as MessageClass);
    if (!route) return Promise.reject(new MissingHandlerError(request.constructor.name));
    const signal = options && dispatchSignal(options.signal, options.timeout);
    const context = this.#context(options, signal);
    const run = () => {
      try {
        return Promise.resolve(route.invoke(request, context)) as Promise<ResponseOf<TRequest>>;
      } catch (error) {
        return Promise.reject(error);
      }
    };
    return signal ? raceAbort(signal, run) : run();
  }

  /** Dispatches a stream request; iterate the result to receive the handler's items as they come. */
  stream<TRequest extends StreamRequest<unknown>>(
    request: TRequest,
    options?: DispatchOptions,
  ): AsyncIterable<ItemOf<TRequest>> {
    const route = this.#composition.streams.get(request.constructor as MessageClass);
    if (!route) throw new MissingHandlerError(request.constructor.name);
    const signal = options && dispatchSignal(options.signal, options.timeout);
    const items = route.invoke(request, this.#context(options, signal)) as AsyncIterable<ItemOf<TRequest>>;
    return signal ? abortable(signal, items) : items;
  }

  /** Tells every handler of the notification; with none, resolves at once. */
  publish(notification: Notification, options?: DispatchOptions & PublishOptions): Promise<void> {
    const subscriptions = this.#composition.notifications.get(notification.constructor as MessageClass) ?? [];
    if (subscriptions.length === 0) return Promise.resolve();
    const signal = options && dispatchSignal(options.signal, options.timeout);
    const context = this.#context(options, signal);
    const strategy = options?.strategy ?? this.#publishStrategy;
    const handlers = subscriptions.map((subscription) => subscription.handler);
    const run = () => runHandlers(handlers, notification, context, strategy);
    return signal ? raceAbort(signal, run) : run();
  }

  /** Every message the composed slices handle, with its slices, handlers, effective pipeline and declaration. */
  describe(): MessageDescription[] {
    const { requests, streams, notifications } = this.#composition;
    const routed = [...requests.values(), ...streams.values()].map((route) => ({
      message: route.message,
      name: route.message.name,
      kind: route.kind,
      slices: [route.slice],
      handlers: [route.handler],
      pipeline: route.behaviors,
      declaration: declarationOf(route.message),
    }));
    const told = [...notifications].map(([message, subscriptions]) => ({
      message,
      name: message.name,
      kind: 'notification' as const,
      slices: subscriptions.map((subscription) => subscription.slice),
      handlers: subscriptions.map((subscription) => subscription.handler.constructor.name),
      pipeline: [],
      declaration: {},
    }));
    return [...routed, ...told];
  }

  #context(options: DispatchOptions | undefined, signal: AbortSignal | undefined): Context {
    return new Context(
      this,
      signal ?? neverAborted,
      options?.caller,
      options?.values ?? noValues,
      options?.correlationId,
    );
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
  const composition = compose(slices, options.behaviors ?? [], container);
  return new Mediator(options, slices, container, composition);
}
