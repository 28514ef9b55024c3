import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Tracer } from '@opentelemetry/api';
import type { Database } from '@slicewise/db';
import { ConflictError, NotFoundError } from '@slicewise/errors';
import type { ComposedSubscription, DispatchContext, EventSink, Notification } from '@slicewise/mediator';
import { EventDecoder, encodeEvent } from './codec.js';
import { isBusy, type StepResult, SubscriptionRunner } from './runner.js';
import { EventStore, type ParkedRow } from './store.js';
import { EventTracing } from './tracing.js';

/** How an {@link EventLog} drives its subscriptions. Every field has a default. */
export interface EventLogOptions {
  /**
   * How long after its own append the log starts handing events to this process's subscriptions, in ms. A busy
   * server appends many events meanwhile, and one subscription step then takes them all. Default 5; 0 for the next
   * turn of the event loop.
   */
  wakeDelayMs?: number;
  /** How often to look for events other processes committed (`PRAGMA data_version`), in ms. Default 200. */
  pollMs?: number;
  /**
   * Most milliseconds of subscription work before yielding to the event loop (a step in progress finishes first).
   * Default 10: a request that arrives meanwhile may also wait for a writer's turn in the same loop iteration
   * (an import's batch), so the two together stay well under 50 ms.
   */
  sliceMs?: number;
  /** Milliseconds before attempt `n + 1` of a failing event. Default 100 ms doubling, at most 30 s. */
  backoff?: (attempts: number) => number;
  /** How long an at-least-once subscription's batch is reserved for this process, in ms. Default 30000. */
  leaseMs?: number;
  /**
   * Most payload characters one subscription step decodes and hands over, whatever its `batch`: a step runs on the
   * event loop, so this bounds how long it holds it. Default 262144 (256 Ki: about three 1,000-user bulk events).
   */
  maxBatchBytes?: number;
  /** Days an event is kept once every subscription has passed it; `false` keeps every event. Default 7. */
  retentionDays?: number | false;
  /** Told of every failed delivery attempt (the host logs them). Default: nothing. */
  onFailure?: (error: unknown, info: { subscription: string; position: number; parked: boolean }) => void;
  /**
   * The OpenTelemetry tracer for `process <subscription>` spans, or `false` for none (events then store no trace
   * context). Default: the global one while a tracer provider is registered (else no tracing, at no cost).
   */
  tracer?: Tracer | false;
}

/** Where one subscription stands, for `events status` and readiness checks. */
export interface SubscriptionStatus {
  readonly name: string;
  /** The position of the last event it handled (or skipped). */
  readonly position: number;
  /** Events of its types after its position. */
  readonly lag: number;
  readonly parked: number;
  /** Failed attempts at its next event, and the last error. */
  readonly attempts: number;
  readonly lastError: string | undefined;
  /** Whether this process composes it (and so drives it). */
  readonly composed: boolean;
}

/** An event a subscription gave up on, with its error. */
export interface ParkedEvent {
  readonly id: number;
  readonly subscription: string;
  readonly position: number;
  readonly type: string;
  readonly error: string;
  readonly attempts: number;
  readonly parkedAt: string;
}

const defaultBackoff = (attempts: number) => Math.min(100 * 2 ** (attempts - 1), 30_000);
const dayMs = 86_400_000;
const pruneEveryMs = 600_000;

/**
 * The durable event log of one database: the host's {@link EventSink} (durable events are appended in the
 * writer's transaction) and the driver of the durable subscriptions the host composes. Every process that composes a
 * subscription drives it: after its own appends, and when another process commits (polled). See the package README.
 */
export class EventLog implements EventSink {
  readonly #db: Database;
  readonly #store: EventStore;
  readonly #decoder = new EventDecoder();
  readonly #runners = new Map<string, SubscriptionRunner>();
  readonly #options: Required<Omit<EventLogOptions, 'onFailure' | 'tracer'>> & Pick<EventLogOptions, 'onFailure'>;
  readonly #tracing: EventTracing;
  readonly #owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  #timer: NodeJS.Timeout | undefined;
  #scheduled = false;
  #draining: Promise<void> | undefined;
  #again = false;
  #dataVersion = -1;
  #dueAt = Number.POSITIVE_INFINITY;
  #prunedAt = 0;
  /** Driving on its own (after `start`): wakes after appends and polls. */
  #running = false;
  /** `stop` was called: a drain in progress ends after its current step. */
  #stopping = false;

  constructor(db: Database, options: EventLogOptions = {}) {
    this.#db = db;
    this.#store = new EventStore(db);
    this.#options = {
      pollMs: options.pollMs ?? 200,
      wakeDelayMs: options.wakeDelayMs ?? 5,
      sliceMs: options.sliceMs ?? 10,
      backoff: options.backoff ?? defaultBackoff,
      leaseMs: options.leaseMs ?? 30_000,
      maxBatchBytes: options.maxBatchBytes ?? 262_144,
      retentionDays: options.retentionDays ?? 7,
      onFailure: options.onFailure,
    };
    this.#tracing = new EventTracing(options.tracer);
  }

  /**
   * Appends a durable event, in the open transaction if there is one, with the trace context of the active span
   * (the publish span) when tracing; wakes this process's subscriptions.
   */
  append(event: Notification, context: DispatchContext): void {
    this.#store.append(
      encodeEvent(event),
      Date.now(),
      context.correlationId,
      undefined,
      this.#tracing.activeTraceparent(),
    );
    this.#wake();
  }

  /**
   * Takes the durable subscriptions a host composes: records each one's checkpoint the first time (at the log's
   * start, or its end for `from: 'end'`), in the caller's transaction when there is one.
   */
  attach(subscriptions: readonly ComposedSubscription[]): void {
    this.#decoder.learn(subscriptions.flatMap((subscription) => subscription.events));
    const env = {
      db: this.#db,
      store: this.#store,
      decoder: this.#decoder,
      backoff: this.#options.backoff,
      owner: this.#owner,
      leaseMs: this.#options.leaseMs,
      maxBatchBytes: this.#options.maxBatchBytes,
      tracing: this.#tracing,
      report: (error: unknown, info: { subscription: string; position: number; parked: boolean }) =>
        this.#options.onFailure?.(error, info),
    };
    for (const subscription of subscriptions) {
      if (!this.#db.raw.readonly) {
        const start = subscription.from === 'end' ? this.#store.maxPosition() : 0;
        this.#store.register(subscription.name, subscription.types, start);
      }
      this.#runners.set(subscription.name, new SubscriptionRunner(subscription, env));
    }
  }

  /** Starts driving: a drain now, then one whenever another process commits or a retry falls due. */
  start(): this {
    if (this.#running || this.#db.raw.readonly) return this;
    this.#running = true;
    this.#stopping = false;
    this.#timer = setInterval(() => this.#poll(), this.#options.pollMs);
    this.#timer.unref();
    this.#wake();
    return this;
  }

  /**
   * Tells the log that events were appended through another connection to its file (a worker thread's): it drains
   * `wakeDelayMs` later, as after its own appends, rather than at its next poll.
   */
  notify(): void {
    this.#wake();
  }

  /** Stops driving; a drain in progress finishes its current batch. Resolves when it has. */
  async stop(): Promise<void> {
    this.#running = false;
    this.#stopping = true;
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#draining;
  }

  /**
   * Hands every pending event to this process's subscriptions until none is left, yielding to the event loop
   * every `sliceMs`. Resolves when they are idle (or waiting for a retry, or held by another process).
   */
  drain(): Promise<void> {
    if (this.#draining) {
      this.#again = true;
      return this.#draining;
    }
    this.#draining = this.#drainLoop().finally(() => {
      this.#draining = undefined;
    });
    return this.#draining;
  }

  /**
   * Synchronously brings exactly-once subscriptions (all, or the named one) up to date, for at most `maxMs`; for a
   * query answered from a read model. Returns how many of their events are still pending (0: up to date).
   */
  catchUp(name?: string, maxMs = 1000): number {
    // A read-only connection cannot move a checkpoint: it only tells how far behind the subscriptions are.
    if (this.#db.raw.readonly) return this.#readOnlyLag(name);
    const until = Date.now() + maxMs;
    let lag = 0;
    for (const runner of this.#runners.values()) {
      if (name !== undefined && runner.subscription.name !== name) continue;
      if (runner.subscription.delivery === 'exactly-once') {
        let result: unknown = 'handled';
        while ((result === 'handled' || result === 'failed') && Date.now() < until) {
          result = this.#guarded(() => runner.step()); // a failed batch is retried at once, one event at a time
        }
      }
      const row = this.#store.subscription(runner.subscription.name);
      if (row) lag += this.#store.lag(row);
    }
    return lag;
  }

  #readOnlyLag(name: string | undefined): number {
    try {
      return this.#store
        .subscriptions()
        .filter((row) => (name === undefined ? this.#runners.has(row.name) : row.name === name))
        .reduce((lag, row) => lag + this.#store.lag(row), 0);
    } catch {
      return 0; // a database from before the event log: nothing to catch up
    }
  }

  /** Every subscription recorded in this database, composed here or not. */
  status(): SubscriptionStatus[] {
    return this.#store.subscriptions().map((row) => ({
      name: row.name,
      position: row.position,
      lag: this.#store.lag(row),
      parked: this.#store.parkedCount(row.name),
      attempts: row.attempts,
      lastError: row.last_error ?? undefined,
      composed: this.#runners.has(row.name),
    }));
  }

  /** The events subscriptions gave up on, oldest first. */
  parked(subscription?: string): ParkedEvent[] {
    return this.#store.parkedEvents(subscription).map(toParkedEvent);
  }

  /** Hands a parked event to its subscription again, alone; it leaves the parked list once handled. */
  async retry(id: number): Promise<void> {
    const parked = this.#store.parkedById(id);
    if (!parked) throw new NotFoundError(`No parked event has id ${id}`);
    const runner = this.#runners.get(parked.subscription);
    if (!runner) {
      throw new ConflictError(
        `Subscription ${parked.subscription} is not composed here: retry from a host that composes its slice`,
      );
    }
    const event = this.#store.eventAt(parked.position);
    if (!event) throw new NotFoundError(`The event at position ${parked.position} was pruned from the log`);
    await runner.redeliver(id, event);
  }

  /**
   * Moves a subscription's checkpoint (rebuilding a read model: reset to 0, or to the log's end after recomputing
   * it from the source tables in the same transaction).
   */
  reset(name: string, position: number | 'end' = 0): void {
    if (!this.#store.subscription(name)) throw new NotFoundError(`No subscription is named ${name}`);
    this.#store.advance(name, position === 'end' ? this.#store.maxPosition() : position);
    this.#wake();
  }

  /** The position of the newest event (0 for an empty log). */
  get position(): number {
    return this.#store.maxPosition();
  }

  /** Deletes events every subscription has passed that are older than the retention; returns how many. */
  prune(now = Date.now()): number {
    const days = this.#options.retentionDays;
    if (days === false) return 0;
    const before = now - days * dayMs;
    let total = 0;
    for (;;) {
      const deleted = this.#guarded(() => this.#db.atomic(() => this.#store.prune(before, 10_000)));
      if (typeof deleted !== 'number' || deleted === 0) return total;
      total += deleted;
    }
  }

  #wake(): void {
    if (!this.#running || this.#scheduled || this.#runners.size === 0) return;
    this.#scheduled = true;
    const run = this.#tracing.detached(() => {
      this.#scheduled = false;
      if (this.#running) void this.drain();
    });
    if (this.#options.wakeDelayMs === 0) setImmediate(run);
    else setTimeout(run, this.#options.wakeDelayMs).unref();
  }

  #poll(): void {
    if (!this.#db.raw.open) {
      void this.stop(); // the database was closed under the log (by a host that shares it): nothing to drive
      return;
    }
    const version = this.#db.raw.pragma('data_version', { simple: true }) as number;
    const now = Date.now();
    if (version !== this.#dataVersion || now >= this.#dueAt) {
      this.#dataVersion = version;
      this.#wake();
    }
    if (now - this.#prunedAt > pruneEveryMs) {
      this.#prunedAt = now;
      this.prune(now);
    }
  }

  async #drainLoop(): Promise<void> {
    do {
      this.#again = false;
      this.#dueAt = Number.POSITIVE_INFINITY;
      let sliceStart = Date.now();
      // Runners with more to do; one that is caught up, idle or waiting is not stepped again in this pass (events
      // appended meanwhile wake the log, which runs another pass).
      let pending = [...this.#runners.values()];
      while (pending.length > 0 && !this.#stopping && this.#db.raw.open) {
        const more: SubscriptionRunner[] = [];
        for (const runner of pending) {
          const result = await this.#stepSafely(runner);
          if (result === 'handled' || result === 'failed') more.push(runner);
          else if (result === 'busy') this.#dueAt = Math.min(this.#dueAt, Date.now() + 25);
          else if (typeof result === 'object') this.#dueAt = Math.min(this.#dueAt, result.wait);
        }
        pending = more;
        if (Date.now() - sliceStart >= this.#options.sliceMs) {
          await new Promise((resolve) => setImmediate(resolve));
          sliceStart = Date.now();
        }
      }
    } while (this.#again && !this.#stopping);
  }

  /** One step of a runner; an unexpected failure (not the handler's: those are retried) is reported, retried later. */
  async #stepSafely(runner: SubscriptionRunner): Promise<StepResult> {
    try {
      const result = this.#guarded(() => runner.step());
      return result instanceof Promise ? await result.catch((error: unknown) => this.#busyOr(error)) : result;
    } catch (error) {
      this.#options.onFailure?.(error, { subscription: runner.subscription.name, position: -1, parked: false });
      return { wait: Date.now() + 1000 };
    }
  }

  /**
   * Runs a driver step without waiting on another connection's write lock: SQLite's busy wait would block the
   * event loop. A step that finds the database busy is retried on a later poll.
   */
  #guarded<T>(step: () => T): T | 'busy' {
    // Prepared once each (a `pragma()` call prepares its statement every time: most of a small step's cost).
    const timeout = this.#db.prepare('PRAGMA busy_timeout', true).get() as number;
    this.#db.prepare('PRAGMA busy_timeout = 0').get();
    try {
      return step();
    } catch (error) {
      return this.#busyOr(error);
    } finally {
      this.#db.prepare(`PRAGMA busy_timeout = ${timeout}`).get();
    }
  }

  #busyOr(error: unknown): 'busy' {
    if (isBusy(error)) return 'busy';
    throw error;
  }
}

function toParkedEvent(row: ParkedRow): ParkedEvent {
  return {
    id: row.id,
    subscription: row.subscription,
    position: row.position,
    type: row.type,
    error: row.error,
    attempts: row.attempts,
    parkedAt: row.parked_at,
  };
}
