import { Database, type DatabaseOptions, migrate } from '@slicewise/db';
import { EventLog, type EventLogOptions, eventLogMigrations, eventLogSet } from '@slicewise/events';
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
import { WorkerLane, type WorkerOptions } from './worker-lane.js';

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
  /**
   * The durable event log in the host's database: how it drives the composed slices' subscriptions (poll
   * interval, retries, retention…), or `{ drive: false }` to only append (a process that must not run
   * subscribers; another host drives them). See `@slicewise/events`.
   */
  events?: EventLogOptions & { drive?: boolean };
  /**
   * A worker thread for the requests declared `meta: { worker: true }` (bulk imports…): it composes the slices that
   * `module` exports on the same database file, with a connection of its own, so their writes never hold this
   * thread's event loop. Needs `database` to be a file. Await `ready` before serving to surface its start-up errors.
   */
  worker?: WorkerOptions;
}

/** A running composition: the mediator to send through, and the database it owns. */
export interface Host {
  readonly mediator: Mediator;
  readonly db: Database;
  /** The durable event log: `drain()`, `catchUp()`, `status()`, `parked()`, `retry(id)`, `reset(name)`. */
  readonly events: EventLog;
  /** The slices' migrations applied while starting, as `slice/migration` (the event log's own are not listed). */
  readonly applied: readonly string[];
  /**
   * Resolves once the host can serve everything: at once without a worker thread; with one, once it has composed
   * the same slices. Rejects with what stopped the worker (a composition error, a different slice list…).
   */
  readonly ready: Promise<void>;
  /** Stops driving subscriptions, tells the worker thread to stop, and closes the database when the host opened it. */
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
    const { drive = true, ...logOptions } = options.events ?? {};
    const events = new EventLog(db, { ...(options.tracer !== undefined && { tracer: options.tracer }), ...logOptions });
    container.set({ id: EventLog, value: events });
    if (options.worker && (db.raw.memory || db.raw.readonly)) {
      throw new TypeError(
        `A host's worker thread shares its database file: ${db.raw.memory ? 'an in-memory database' : 'a read-only database'} cannot have one`,
      );
    }
    // The worker only appends events; told after each of its answers, the log here drives their subscriptions.
    const lane = options.worker && new WorkerLane(options.worker, () => events.notify());
    const mediator = createMediator({
      slices: options.slices,
      container,
      eventSink: events,
      ...(options.behaviors && { behaviors: options.behaviors }),
      ...(options.publishStrategy && { publishStrategy: options.publishStrategy }),
      ...(options.onError && { onError: options.onError }),
      ...(options.tracer !== undefined && { tracer: options.tracer }),
      ...(lane && { handlerOverride: lane.override }),
    });
    if (!db.raw.readonly) migrate(db, eventLogSet, eventLogMigrations); // the log's own tables, before any slice's
    const applied: string[] = [];
    for (const slice of mediator.slices) {
      // A slice's subscriptions start in the transaction of its migrations: one seeding a read model from the
      // current rows and a subscription starting at the log's end see the same moment.
      const subscriptions = mediator.subscriptions.filter((subscription) => subscription.slice === slice.name);
      const start = () => {
        const names = migrate(db, slice.name, slice.migrations ?? []);
        events.attach(subscriptions);
        return names;
      };
      const names = db.raw.readonly || subscriptions.length === 0 ? start() : db.atomic(start);
      applied.push(...names.map((name) => `${slice.name}/${name}`));
    }
    lane?.start(
      db.raw.name,
      options.databaseOptions,
      mediator.slices.map((slice) => slice.name),
    );
    if (drive) events.start();
    const close = () => {
      lane?.close();
      void events.stop(); // events still pending wait in the log for the next process composing their subscriber
      if (ownsDatabase) db.close();
    };
    return { mediator, db, events, applied, ready: lane?.ready ?? Promise.resolve(), close };
  } catch (error) {
    if (ownsDatabase) db.close();
    throw error;
  }
}
