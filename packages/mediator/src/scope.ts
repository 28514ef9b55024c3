import { InternalError } from '@slicewise/errors';
import type { ContainerInstance } from 'typedi';
import type { DispatchContext } from './context.js';

/** Builds a scoped service for one dispatch, from that dispatch's context and the host's container. */
export type ScopedFactory<T> = (context: DispatchContext, container: ContainerInstance) => T;

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
 * values, other scoped services) and the host's typedi container; the instance is released at the end of the
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

/** The scoped instances of one dispatch, in creation order. */
export class Scope {
  readonly #declared: ReadonlySet<Scoped<unknown>>;
  readonly #container: ContainerInstance;
  #instances: Map<Scoped<unknown>, unknown> | undefined;

  constructor(declared: ReadonlySet<Scoped<unknown>>, container: ContainerInstance) {
    this.#declared = declared;
    this.#container = container;
  }

  get<T>(service: Scoped<T>, context: DispatchContext): T {
    const instances = this.#instances;
    if (instances?.has(service)) return instances.get(service) as T;
    if (!this.#declared.has(service)) {
      throw new InternalError(
        `${service.name} is not a scoped service of any composed slice: add it to a slice's scoped`,
      );
    }
    const instance = service.factory(context, this.#container);
    this.#instances ??= new Map();
    this.#instances.set(service, instance);
    return instance;
  }

  /** Disposes what this dispatch created, last created first; rejects with the first failure after trying all. */
  dispose(): Promise<void> | undefined {
    const instances = this.#instances;
    if (instances === undefined) return undefined;
    this.#instances = undefined;
    return disposeAll([...instances.values()].reverse());
  }
}

async function disposeAll(instances: readonly unknown[]): Promise<void> {
  const errors: unknown[] = [];
  for (const instance of instances) {
    try {
      await disposeOne(instance);
    } catch (error) {
      errors.push(error);
    }
  }
  if (errors.length > 0) {
    throw errors.length === 1
      ? errors[0]
      : new InternalError(`${errors.length} scoped services failed to dispose`, { cause: errors[0] });
  }
}
