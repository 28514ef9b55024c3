import type { Database } from '@slicewise/db';
import type { EncodedEvent, StoredEvent } from './codec.js';
import { tables } from './schema.js';

const { events, subscriptions, parked, meta } = tables;

/** The columns of an {@link EventRow}. */
const eventColumns = 'position, type, version, payload, occurred_at, correlation_id, source_id, traceparent';

/** A subscription's row: its checkpoint and retry state. */
export interface SubscriptionRow {
  readonly name: string;
  readonly position: number;
  readonly types: string;
  readonly attempts: number;
  readonly retry_at: number | null;
  readonly isolate_until: number | null;
  readonly last_error: string | null;
  readonly lease_owner: string | null;
  readonly lease_until: number | null;
}

/** A stored event with what a delivery needs besides the payload. */
export interface EventRow extends StoredEvent {
  /** Milliseconds since the epoch. */
  readonly occurred_at: number;
  readonly correlation_id: string | null;
  readonly source_id: string | null;
  /** The W3C `traceparent` of the span that published it, when tracing. */
  readonly traceparent: string | null;
}

/** The event log's SQL, in one place; every statement is prepared once by the database's cache. */
export class EventStore {
  readonly #db: Database;
  readonly #eventsAfter = new Map<string, string>();
  #logId: string | undefined;

  constructor(db: Database) {
    this.#db = db;
  }

  /** The id of this log, the prefix of its events' global ids. */
  get logId(): string {
    this.#logId ??= this.#db.prepare(`SELECT value FROM ${meta} WHERE key = 'log_id'`, true).get() as string;
    return this.#logId;
  }

  /**
   * Appends an event; `occurredAt` in milliseconds since the epoch, `traceparent` the W3C trace context of the span
   * that published it. Returns its position.
   */
  append(
    event: EncodedEvent,
    occurredAt: number,
    correlationId: string | undefined,
    sourceId?: string,
    traceparent?: string | null,
  ): number {
    const sql = `INSERT INTO ${events} (type, version, payload, occurred_at, correlation_id, source_id, traceparent)
                 VALUES (?, ?, ?, ?, ?, ?, ?)`;
    const result = this.#db
      .prepare(sql)
      .run(
        event.type,
        event.version,
        event.payload,
        occurredAt,
        correlationId ?? null,
        sourceId ?? null,
        traceparent ?? null,
      );
    return Number(result.lastInsertRowid);
  }

  maxPosition(): number {
    return (this.#db.prepare(`SELECT coalesce(max(position), 0) FROM ${events}`, true).get() as number) ?? 0;
  }

  /** Creates the subscription's row once (at `position`), and keeps its recorded event types current. */
  register(name: string, types: readonly string[], position: number): void {
    const json = JSON.stringify(types);
    this.#db
      .prepare(
        `INSERT INTO ${subscriptions} (name, position, types, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET types = excluded.types WHERE types <> excluded.types`,
      )
      .run(name, position, json, new Date().toISOString());
  }

  subscription(name: string): SubscriptionRow | undefined {
    return this.#db.prepare(`SELECT * FROM ${subscriptions} WHERE name = ?`).get(name) as SubscriptionRow | undefined;
  }

  subscriptions(): SubscriptionRow[] {
    return this.#db.prepare(`SELECT * FROM ${subscriptions} ORDER BY name`).all() as SubscriptionRow[];
  }

  /**
   * Up to `limit` events of the given types after `position`, in log order, whose payloads add up to at most
   * `maxBytes` characters (at least one event). Rows are read one at a time, so rows past the bound are never read.
   * `complete` tells that these are all of them: fewer than `limit`, and none left out for `maxBytes`.
   */
  eventsAfter(
    position: number,
    types: readonly string[],
    limit: number,
    maxBytes = Number.POSITIVE_INFINITY,
  ): { events: EventRow[]; complete: boolean } {
    let sql = this.#eventsAfter.get(types.join('\0'));
    if (sql === undefined) {
      sql = `SELECT ${eventColumns} FROM ${events}
             WHERE position > ? AND type IN (${types.map(() => '?').join(', ')}) ORDER BY position LIMIT ?`;
      this.#eventsAfter.set(types.join('\0'), sql);
    }
    const rows: EventRow[] = [];
    let bytes = 0;
    for (const row of this.#db.prepare(sql).iterate(position, ...types, limit) as IterableIterator<EventRow>) {
      bytes += row.payload.length;
      if (bytes > maxBytes && rows.length > 0) return { events: rows, complete: false }; // ends the statement
      rows.push(row);
    }
    return { events: rows, complete: rows.length < limit };
  }

  eventAt(position: number): EventRow | undefined {
    return this.#db.prepare(`SELECT ${eventColumns} FROM ${events} WHERE position = ?`).get(position) as
      | EventRow
      | undefined;
  }

  /** How many events of the subscription's recorded types are after its checkpoint. */
  lag(row: SubscriptionRow): number {
    return this.#db
      .prepare(`SELECT count(*) FROM ${events} WHERE position > ? AND type IN (SELECT value FROM json_each(?))`, true)
      .get(row.position, row.types) as number;
  }

  /** Moves the checkpoint and clears the retry state (and the lease, when `owner` holds it). */
  advance(name: string, position: number, isolateUntil: number | null = null): void {
    this.#db
      .prepare(
        `UPDATE ${subscriptions} SET position = ?, attempts = 0, retry_at = NULL, last_error = NULL,
           isolate_until = ?, lease_owner = NULL, lease_until = NULL, updated_at = ? WHERE name = ?`,
      )
      .run(position, isolateUntil, new Date().toISOString(), name);
  }

  /** Records a failed attempt: the next one waits until `retryAt` (ms since the epoch). */
  failed(name: string, attempts: number, retryAt: number | null, isolateUntil: number | null, error: string): void {
    this.#db
      .prepare(
        `UPDATE ${subscriptions} SET attempts = ?, retry_at = ?, isolate_until = ?, last_error = ?,
           lease_owner = NULL, lease_until = NULL, updated_at = ? WHERE name = ?`,
      )
      .run(attempts, retryAt, isolateUntil, error, new Date().toISOString(), name);
  }

  lease(name: string, owner: string, until: number): void {
    this.#db
      .prepare(`UPDATE ${subscriptions} SET lease_owner = ?, lease_until = ? WHERE name = ?`)
      .run(owner, until, name);
  }

  park(subscription: string, event: EventRow, error: string, attempts: number): void {
    this.#db
      .prepare(
        `INSERT INTO ${parked} (subscription, position, type, error, attempts, parked_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (subscription, position) DO UPDATE SET error = excluded.error, attempts = excluded.attempts,
           parked_at = excluded.parked_at`,
      )
      .run(subscription, event.position, event.type, error, attempts, new Date().toISOString());
  }

  parkedEvents(subscription?: string): ParkedRow[] {
    const where = subscription === undefined ? '' : 'WHERE subscription = ?';
    return this.#db
      .prepare(`SELECT * FROM ${parked} ${where} ORDER BY id`)
      .all(...(subscription === undefined ? [] : [subscription])) as ParkedRow[];
  }

  parkedCount(subscription: string): number {
    return this.#db.prepare(`SELECT count(*) FROM ${parked} WHERE subscription = ?`, true).get(subscription) as number;
  }

  parkedById(id: number): ParkedRow | undefined {
    return this.#db.prepare(`SELECT * FROM ${parked} WHERE id = ?`).get(id) as ParkedRow | undefined;
  }

  unpark(id: number): void {
    this.#db.prepare(`DELETE FROM ${parked} WHERE id = ?`).run(id);
  }

  /**
   * Deletes up to `limit` events every subscription has passed and that are older than `before` (ms since the
   * epoch), never the newest (so positions are never reused); returns how many it deleted.
   */
  prune(before: number, limit: number): number {
    const result = this.#db
      .prepare(
        `DELETE FROM ${events} WHERE position IN (
           SELECT position FROM ${events}
           WHERE position <= coalesce((SELECT min(position) FROM ${subscriptions}), (SELECT max(position) FROM ${events}))
             AND position < (SELECT max(position) FROM ${events})
             AND occurred_at < ? ORDER BY position LIMIT ?)`,
      )
      .run(before, limit);
    return result.changes;
  }
}

/** An event a subscription gave up on. */
export interface ParkedRow {
  readonly id: number;
  readonly subscription: string;
  readonly position: number;
  readonly type: string;
  readonly error: string;
  readonly attempts: number;
  readonly parked_at: string;
}
