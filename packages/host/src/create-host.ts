import { Database, type DatabaseOptions, migrate } from '@slicewise/db';
import {
  type Behavior,
  createMediator,
  type ErrorHook,
  type Mediator,
  type MediatorOptions,
  type PublishStrategy,
  type Slice,
} from '@slicewise/mediator';
import { ContainerInstance } from 'typedi';

/** Options of {@link createHost}. */
export interface HostOptions {
  /** The slices this host serves. */
  slices: readonly Slice[];
  /** An open database, or a file path (`:memory:` for tests). Default `:memory:`. */
  database?: Database | string;
  /** How to open `database` when it is a path. */
  databaseOptions?: DatabaseOptions;
  /** Host behaviors, outermost first (logging, tracing…); see `@slicewise/mediator`. */
  behaviors?: readonly Behavior[];
  /** How `publish` runs notification handlers by default. */
  publishStrategy?: PublishStrategy;
  /** Observes or replaces every failed dispatch; see `@slicewise/mediator`'s `onError`. */
  onError?: ErrorHook;
  /** The OpenTelemetry tracer for dispatch spans, or `false`; default: the global one when a provider is registered. */
  tracer?: MediatorOptions['tracer'];
}

/** A running composition: the mediator to send through, and the database it owns. */
export interface Host {
  readonly mediator: Mediator;
  readonly db: Database;
  /** Migrations applied while starting, as `slice/migration`. */
  readonly applied: readonly string[];
  /** Closes the database when the host opened it. */
  close(): void;
}

let hostCount = 0;

/**
 * Composes slices into a running host: opens the database, registers it in a container of the host's own,
 * builds the mediator, then applies each slice's migrations, required slices first, then in the order listed. Composition
 * errors (duplicate or missing handlers) surface here, before anything is written or served.
 *
 * @example
 * const host = createHost({ slices: [getActiveUsers], database: './data/slicewise.db' });
 * const users = await host.mediator.send(new GetActiveUsers());
 */
export function createHost(options: HostOptions): Host {
  const ownsDatabase = !(options.database instanceof Database);
  const db =
    options.database instanceof Database
      ? options.database
      : new Database(options.database ?? ':memory:', options.databaseOptions);
  try {
    const container = new ContainerInstance(`slicewise-host-${++hostCount}`);
    container.set({ id: Database, value: db });
    const mediator = createMediator({
      slices: options.slices,
      container,
      ...(options.behaviors && { behaviors: options.behaviors }),
      ...(options.publishStrategy && { publishStrategy: options.publishStrategy }),
      ...(options.onError && { onError: options.onError }),
      ...(options.tracer !== undefined && { tracer: options.tracer }),
    });
    const applied = mediator.slices.flatMap((slice) =>
      migrate(db, slice.name, slice.migrations ?? []).map((name) => `${slice.name}/${name}`),
    );
    return { mediator, db, applied, close: () => ownsDatabase && db.close() };
  } catch (error) {
    if (ownsDatabase) db.close();
    throw error;
  }
}
