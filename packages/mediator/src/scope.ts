import { InternalError } from '@slicewise/errors';
import type { ContainerInstance, ServiceIdentifier } from 'typedi';
import type { DispatchContext } from './context.js';

/**
 * The host's singletons, as a scoped factory sees them: typedi's `get`, memoised per mediator, so a factory that
 * asks for the database on every dispatch pays a map lookup, not typedi's linear scan of every registered service.
 * Build anything that must be fresh per dispatch in the factory itself.
 */
export interface Services {
  get<T>(id: ServiceIdentifier<T>): T;
}

/** Builds a scoped service for one dispatch, from that dispatch's context and the host's singletons. */
export type ScopedFactory<T> = (context: DispatchContext, services: Services) => T;

/** The {@link Services} of one mediator: each identifier resolved through the container once. */
export function memoisedServices(container: ContainerInstance): Services {
  const resolved = new Map<ServiceIdentifier, unknown>();
  return {
    get<T>(id: ServiceIdentifier<T>): T {
      if (resolved.has(id)) return resolved.get(id) as T;
      const service = container.get(id);
      resolved.set(id, service);
      return service;
    },
  };
}

/**
 * A service that lives for one dispatch: built on first `context.get(service)`, shared by the nested
 * dispatches made through that context, and disposed when the outermost dispatch ends (success, failure or
 * abort). Declare it in a slice's `scoped` list; create it with {@link scoped}.
 */
export interface Scoped<T> {
  /** Shown in errors and `describe()`. */
  readonly name: string;
  readonly factory: ScopedFactory<T>;
}

/**
 * Declares a per-dispatch service. Its factory sees the dispatch context (correlation id, caller, signal,
 * values, other scoped services) and the host's singletons ({@link Services}); the instance is released at the end of the
 * dispatch, after `Symbol.asyncDispose`, `Symbol.dispose` or `dispose()` when it has one.
 *
 * @example
 * export const RequestLog = scoped('RequestLog', (context) => new Log(context.correlationId));
 * // slice: defineSlice({ name, scoped: [RequestLog], handlers: [...] })
 * // handler: context.get(RequestLog).write('hello')
 */
export function scoped<T>(name: string, factory: ScopedFactory<T>): Scoped<T> {
  return { name, factory };
}

interface Disposable {
  dispose?(): unknown;
}

function disposeOne(instance: unknown): unknown {
  if (instance === null || (typeof instance !== 'object' && typeof instance !== 'function')) return undefined;
  const target = instance as Record<symbol, unknown> & Disposable;
  const method = target[Symbol.asyncDispose] ?? target[Symbol.dispose] ?? target.dispose;
  return typeof method === 'function' ? (method as () => unknown).call(instance) : undefined;
}

/** The scoped instances of one dispatch, in creation order. The first lives in fields: most dispatches need one. */
export class Scope {
  readonly #declared: ReadonlySet<Scoped<unknown>>;
  readonly #services: Services;
  #firstService: Scoped<unknown> | undefined;
  #firstInstance: unknown;
  #more: Map<Scoped<unknown>, unknown> | undefined;

  constructor(declared: ReadonlySet<Scoped<unknown>>, services: Services) {
    this.#declared = declared;
    this.#services = services;
    this.#firstService = undefined;
    this.#firstInstance = undefined;
    this.#more = undefined;
  }

  get<T>(service: Scoped<T>, context: DispatchContext): T {
    if (this.#firstService === service) return this.#firstInstance as T;
    if (this.#more?.has(service)) return this.#more.get(service) as T;
    if (!this.#declared.has(service)) {
      throw new InternalError(
        `${service.name} is not a scoped service of any composed slice: add it to a slice's scoped`,
      );
    }
    const instance = service.factory(context, this.#services);
    if (this.#firstService === undefined) {
      this.#firstService = service;
      this.#firstInstance = instance;
    } else {
      this.#more ??= new Map();
      this.#more.set(service, instance);
    }
    return instance;
  }

  /**
   * Disposes what this dispatch created, last created first. Synchronous when every disposer is; otherwise
   * a promise that rejects with the first failure after trying all.
   */
  dispose(): Promise<void> | undefined {
    if (this.#firstService === undefined) return undefined;
    const more = this.#more;
    const instances = more ? [this.#firstInstance, ...more.values()].reverse() : [this.#firstInstance];
    this.#firstService = undefined;
    this.#firstInstance = undefined;
    this.#more = undefined;
    return disposeAll(instances, 0, undefined);
  }
}

function disposeAll(
  instances: readonly unknown[],
  from: number,
  failures: unknown[] | undefined,
): Promise<void> | undefined {
  let errors = failures;
  for (let i = from; i < instances.length; i++) {
    try {
      const result = disposeOne(instances[i]);
      if (result instanceof Promise) {
        return result.then(
          () => disposeAll(instances, i + 1, errors),
          (error: unknown) => disposeAll(instances, i + 1, [...(errors ?? []), error]),
        );
      }
    } catch (error) {
      errors ??= [];
      errors.push(error);
    }
  }
  if (errors === undefined) return undefined;
  return Promise.reject(
    errors.length === 1
      ? errors[0]
      : new InternalError(`${errors.length} scoped services failed to dispose`, { cause: errors[0] }),
  );
}
