import type { Database } from '@slicewise/db';
import { InternalError } from '@slicewise/errors';
import type { ComposedSubscription, Delivery } from '@slicewise/mediator';
import type { EventDecoder } from './codec.js';
import type { EventRow, EventStore, SubscriptionRow } from './store.js';
import type { EventTracing } from './tracing.js';

/**
 * What one step of a subscription did. `handled`: a batch, and more may follow; `caught-up`: a batch that was all
 * there was (another step now would find nothing); `wait` carries when a retry is due (ms since the epoch).
 */
export type StepResult = 'handled' | 'caught-up' | 'failed' | 'idle' | 'busy' | 'leased' | { wait: number };

/**
 * A claimed batch: the subscription's row, its next events, and the position to move the checkpoint to once they
 * are handled: the last one's, or the log's end when they were all there was (events of other types may follow);
 * and whether they were (then the step reports `caught-up`).
 */
type Claimed = [SubscriptionRow, EventRow[], number, boolean];

/** What a runner needs from its log. */
export interface RunnerEnvironment {
  readonly db: Database;
  readonly store: EventStore;
  readonly decoder: EventDecoder;
  /** Milliseconds to wait before attempt `n + 1` after `n` failed attempts. */
  readonly backoff: (attempts: number) => number;
  /** This process's lease owner id. */
  readonly owner: string;
  readonly leaseMs: number;
  /** Most payload bytes (JSON characters) one step decodes; a single larger event is still handled alone. */
  readonly maxBatchBytes: number;
  /** Runs each batch in its `process` span when tracing. */
  readonly tracing: EventTracing;
  /** Told of every failed attempt (and whether the event was parked). */
  readonly report: (error: unknown, info: { subscription: string; position: number; parked: boolean }) => void;
}

const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  typeof (value as PromiseLike<unknown> | null | undefined)?.then === 'function';

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error)).slice(0, 2000);

/** Whether SQLite refused a statement because another connection holds the write lock. */
export function isBusy(error: unknown): boolean {
  for (let cause = error; cause; cause = (cause as { cause?: unknown }).cause) {
    const code = (cause as { code?: unknown }).code;
    if (typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code === 'SQLITE_LOCKED')) return true;
  }
  return false;
}

/**
 * Drives one durable subscription: reads the events after its checkpoint, hands them to its handler, advances the
 * checkpoint, retries failures with backoff and parks an event that keeps failing. Every step that reads or moves
 * the checkpoint runs inside `BEGIN IMMEDIATE`, so two processes never hand the same event to an exactly-once
 * subscription: the second one waits for the lock, then reads the checkpoint the first one left.
 */
export class SubscriptionRunner {
  readonly subscription: ComposedSubscription;
  readonly #env: RunnerEnvironment;

  constructor(subscription: ComposedSubscription, env: RunnerEnvironment) {
    this.subscription = subscription;
    this.#env = env;
  }

  /** One batch (or none): synchronous for exactly-once subscriptions, a promise for at-least-once ones. */
  step(now = Date.now()): StepResult | Promise<StepResult> {
    return this.subscription.delivery === 'exactly-once' ? this.#stepInTransaction(now) : this.#stepWithLease(now);
  }

  /** Re-delivers one parked event, alone; removes it from the parked list once handled. */
  async redeliver(parkedId: number, event: EventRow): Promise<void> {
    const { db, store } = this.#env;
    if (this.subscription.delivery === 'exactly-once') {
      db.atomic(() => {
        this.#handleSync([event]);
        store.unpark(parkedId);
      });
      return;
    }
    await this.#handle([event]);
    db.atomic(() => store.unpark(parkedId));
  }

  #stepInTransaction(now: number): StepResult {
    const { db, store } = this.#env;
    const { name } = this.subscription;
    return db.atomic(() => {
      const claimed = this.#claim(now);
      if (!Array.isArray(claimed)) return claimed;
      const [row, events, through, complete] = claimed;
      try {
        db.atomic(() => this.#handleSync(events));
      } catch (error) {
        this.#fail(row, events, error, now);
        return 'failed';
      }
      store.advance(name, through, this.#isolating(row, events));
      return complete ? 'caught-up' : 'handled';
    });
  }

  async #stepWithLease(now: number): Promise<StepResult> {
    const { db, store, owner, leaseMs } = this.#env;
    const { name } = this.subscription;
    const claimed = db.atomic(() => {
      const result = this.#claim(now);
      if (Array.isArray(result)) store.lease(name, owner, now + leaseMs);
      return result;
    });
    if (!Array.isArray(claimed)) return claimed;
    const [row, events, through, complete] = claimed;
    try {
      await this.#handle(events);
    } catch (error) {
      db.atomic(() => {
        if (store.subscription(name)?.lease_owner === owner) this.#fail(row, events, error, Date.now());
      });
      return 'failed';
    }
    db.atomic(() => {
      // Another process took the lease over after it expired: it delivers these events again (at least once).
      if (store.subscription(name)?.lease_owner === owner) {
        store.advance(name, through, this.#isolating(row, events));
      }
    });
    return complete ? 'caught-up' : 'handled';
  }

  /** Inside the caller's transaction: the row and the next events to handle, or why there are none now. */
  #claim(now: number): StepResult | Claimed {
    const { store, owner } = this.#env;
    const { name, types, batch } = this.subscription;
    const row = store.subscription(name);
    if (!row) throw new InternalError(`Subscription ${name} is not registered in this database`);
    if (row.lease_owner !== null && row.lease_owner !== owner && (row.lease_until ?? 0) > now) return 'leased';
    if (row.retry_at !== null && row.retry_at > now) return { wait: row.retry_at };
    const isolating = row.isolate_until !== null && row.position < row.isolate_until;
    const size = row.attempts > 0 || isolating ? 1 : batch;
    const { events, complete } = store.eventsAfter(row.position, types, size, this.#env.maxBatchBytes);
    if (events.length === 0) {
      // Only events of other types lie ahead: move past them, so later reads start at the end.
      const end = store.maxPosition();
      if (end > row.position) store.advance(name, end);
      return 'idle';
    }
    const last = (events.at(-1) as EventRow).position;
    return [row, events, complete ? Math.max(last, store.maxPosition()) : last, complete];
  }

  /** The isolation bound to keep after handling `events`: cleared once the failed batch is behind. */
  #isolating(row: SubscriptionRow, events: readonly EventRow[]): number | null {
    const last = (events.at(-1) as EventRow).position;
    return row.isolate_until !== null && last < row.isolate_until ? row.isolate_until : null;
  }

  /** Hands the events to an at-least-once handler, in the batch's `process` span when tracing. */
  #handle(events: readonly EventRow[]): unknown {
    return this.#env.tracing.traceBatch(this.subscription, events, () =>
      this.subscription.handler.handle(this.#deliveries(events)),
    );
  }

  /** Hands the events to an exactly-once handler, which must finish synchronously (its span records it if not). */
  #handleSync(events: readonly EventRow[]): void {
    this.#env.tracing.traceBatch(this.subscription, events, () => {
      const result = this.subscription.handler.handle(this.#deliveries(events));
      if (isThenable(result)) {
        Promise.resolve(result).catch(() => {});
        throw new InternalError(
          `The handler of exactly-once subscription ${this.subscription.name} returned a promise: make it synchronous ` +
            "(its effect commits with the checkpoint), or declare delivery: 'at-least-once'",
        );
      }
    });
  }

  /** Records a failure: a batch is retried one event at a time; one event waits with backoff, then is parked. */
  #fail(row: SubscriptionRow, events: readonly EventRow[], error: unknown, now: number): void {
    const { store, backoff, report } = this.#env;
    const { name, maxAttempts } = this.subscription;
    const first = events[0] as EventRow;
    const message = messageOf(error);
    if (events.length > 1) {
      store.failed(name, 0, null, (events.at(-1) as EventRow).position, message);
      report(error, { subscription: name, position: first.position, parked: false });
      return;
    }
    const attempts = row.attempts + 1;
    if (attempts >= maxAttempts) {
      store.park(name, first, message, attempts);
      store.advance(name, first.position, this.#isolating(row, events));
      report(error, { subscription: name, position: first.position, parked: true });
      return;
    }
    store.failed(name, attempts, now + backoff(attempts), row.isolate_until, message);
    report(error, { subscription: name, position: first.position, parked: false });
  }

  /** The deliveries of the events, decoded (a failure to decode one fails the batch). */
  #deliveries(events: readonly EventRow[]): Delivery[] {
    return events.map((event) => this.#deliver(event));
  }

  #deliver(event: EventRow): Delivery {
    const { store, decoder } = this.#env;
    return {
      position: event.position,
      id: event.source_id ?? `${store.logId}:${event.position}`,
      type: event.type,
      event: decoder.decode(event),
      occurredAt: new Date(event.occurred_at).toISOString(),
      correlationId: event.correlation_id ?? undefined,
    };
  }
}
