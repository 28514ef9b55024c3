import 'reflect-metadata';
import type { ContainerInstance } from 'typedi';
import { CompositionError } from './composition-error.js';
import type { HandlerClass } from './handler.js';

/** A handler class may list its constructor dependencies itself, for tools that emit no decorator metadata. */
interface ExplicitInjection {
  // biome-ignore lint/suspicious/noExplicitAny: any typedi identifier
  readonly inject?: readonly any[];
}

/**
 * Builds a handler once through typedi. Dependencies come from `static inject = [...]` when the class has
 * it, else from `design:paramtypes` (emitted for classes decorated with typedi's `@Service()`).
 */
export function resolveHandler<THandler>(container: ContainerInstance, handlerClass: HandlerClass<THandler>): THandler {
  const { inject } = handlerClass as ExplicitInjection;
  if (inject) {
    container.set({ id: handlerClass, factory: () => new handlerClass(...inject.map((id) => container.get(id))) });
  } else if (handlerClass.length > 0 && !Reflect.getMetadata('design:paramtypes', handlerClass)) {
    throw new CompositionError(
      `${handlerClass.name} takes constructor arguments but has no decorator metadata: decorate it with ` +
        "typedi's @Service() and compile with emitDecoratorMetadata, or declare `static inject = [...]`",
    );
  } else if (!container.has(handlerClass)) {
    container.set({ id: handlerClass, type: handlerClass });
  }
  try {
    return container.get(handlerClass);
  } catch (error) {
    throw new CompositionError(`Cannot build ${handlerClass.name}: ${(error as Error).message}`, { cause: error });
  }
}
