import { ContainerInstance } from 'typedi';
import { CompositionError, MissingHandlerError } from './composition-error.js';
import type { DispatchContext, RequestHandler } from './handler.js';
import type { Request, RequestClass, ResponseOf } from './messages.js';
import { resolveHandler } from './resolve-handler.js';
import type { Slice } from './slice.js';

/** Options of one dispatch. */
export interface SendOptions {
  /** Cancels the dispatch; handlers receive it in their context. */
  signal?: AbortSignal;
}

/** Sends requests to their one handler. Depend on this when a slice only sends. */
export interface Sender {
  send<TRequest extends Request<unknown>>(request: TRequest, options?: SendOptions): Promise<ResponseOf<TRequest>>;
}

/** A registered request, for hosts and docs. */
export interface RegisteredRequest {
  readonly request: RequestClass;
  readonly slice: string;
  readonly handler: string;
}

/** Options of {@link createMediator}. */
export interface MediatorOptions {
  /** The slices to compose, each listed once. */
  slices: readonly Slice[];
  /** The typedi container handlers are built from. Defaults to a fresh container of this mediator's own. */
  container?: ContainerInstance;
}

interface Route {
  readonly handler: RequestHandler<Request<unknown>>;
  readonly slice: string;
}

const never = new AbortController().signal;
let containerCount = 0;

/** The composed mediator of one host. Create it with {@link createMediator}. */
export class Mediator implements Sender {
  readonly container: ContainerInstance;
  readonly slices: readonly Slice[];
  readonly #routes: Map<RequestClass, Route>;

  /** @internal use {@link createMediator} */
  constructor(slices: readonly Slice[], container: ContainerInstance, routes: Map<RequestClass, Route>) {
    this.slices = slices;
    this.container = container;
    this.#routes = routes;
  }

  /** Dispatches a request to its handler and resolves with the handler's response. */
  send<TRequest extends Request<unknown>>(request: TRequest, options?: SendOptions): Promise<ResponseOf<TRequest>> {
    const route = this.#routes.get(request.constructor as RequestClass);
    if (!route) return Promise.reject(new MissingHandlerError(request.constructor.name));
    const context: DispatchContext = { signal: options?.signal ?? never };
    try {
      return Promise.resolve(route.handler.handle(request, context)) as Promise<ResponseOf<TRequest>>;
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Every request the composed slices handle, with the slice and handler that answer it. */
  requests(): RegisteredRequest[] {
    return [...this.#routes].map(([request, route]) => ({
      request,
      slice: route.slice,
      handler: route.handler.constructor.name,
    }));
  }
}

/**
 * Composes slices into a mediator. Fails at once, naming the request and the slices, when a slice is listed
 * twice, two slices handle the same request, or a request a slice sends has no handler.
 *
 * @example
 * const mediator = createMediator({ slices: [getActiveUsers] });
 * const users = await mediator.send(new GetActiveUsers()); // UserDto[]
 */
export function createMediator(options: MediatorOptions): Mediator {
  const container = options.container ?? new ContainerInstance(`slicewise-${++containerCount}`);
  const seen = new Set<string>();
  const owners = new Map<RequestClass, string>();
  for (const slice of options.slices) {
    if (seen.has(slice.name)) throw new CompositionError(`Slice ${slice.name} is composed twice`);
    seen.add(slice.name);
    for (const { request } of slice.handlers ?? []) {
      const owner = owners.get(request);
      if (owner !== undefined) {
        throw new CompositionError(`${request.name} is handled by two slices: ${owner} and ${slice.name}`);
      }
      owners.set(request, slice.name);
    }
  }
  for (const slice of options.slices) {
    for (const request of slice.sends ?? []) {
      if (!owners.has(request)) {
        throw new CompositionError(
          `${slice.name} sends ${request.name}, but none of the composed slices handles it: compose its slice`,
        );
      }
    }
  }
  const routes = new Map<RequestClass, Route>();
  for (const slice of options.slices) {
    for (const registration of slice.handlers ?? []) {
      routes.set(registration.request, { handler: resolveHandler(container, registration.handler), slice: slice.name });
    }
  }
  return new Mediator(options.slices, container, routes);
}
