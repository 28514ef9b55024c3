import type { JetStreamClient } from '@nats-io/jetstream';
import { headers } from '@nats-io/transport-node';
import type { Database } from '@slicewise/db';
import { eventLogTables } from '@slicewise/events';
import { type EventSelection, selects } from './config.js';
import { relayCheckpoint } from './schema.js';
import { eventHeaders, subjectOf } from './subjects.js';

const { events, subscriptions, meta } = eventLogTables;

interface LogRow {
  readonly position: number;
  readonly type: string;
  readonly version: number;
  readonly payload: string;
  readonly occurred_at: number;
  readonly correlation_id: string | null;
  readonly source_id: string | null;
}

/** What the relay needs: the host's database, a JetStream client, and which types leave. */
export interface RelayOptions {
  readonly db: Database;
  readonly js: () => JetStreamClient;
  readonly publish: EventSelection;
  readonly subjectPrefix: string;
  readonly batch: number;
  readonly pollMs: number;
  readonly onError: (error: unknown) => void;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done);
  });

/**
 * Publishes the host's committed events to JetStream, in log order, after its checkpoint: each with its global id
 * (`<log id>:<position>`) as `Nats-Msg-Id`, so a batch published again after a crash is dropped by the stream's
 * duplicate window. The checkpoint moves only once JetStream has acknowledged every event before it. Events that
 * came from another log (`source_id` set) and types not selected are passed over.
 */
export class Relay {
  readonly #options: RelayOptions;
  readonly #abort = new AbortController();
  readonly #logId: string;
  #running: Promise<void> | undefined;
  #published = 0;
  /** The types recorded on the checkpoint's row. */
  readonly #types: Set<string>;

  constructor(options: RelayOptions) {
    this.#options = options;
    const { db } = options;
    this.#logId = db.prepare(`SELECT value FROM ${meta} WHERE key = 'log_id'`, true).get() as string;
    // The recorded types let `events status` report the relay's lag; with `*`, the types it has relayed so far.
    const types =
      options.publish === '*'
        ? (db.prepare(`SELECT DISTINCT type FROM ${events} WHERE source_id IS NULL`, true).all() as string[])
        : options.publish;
    this.#types = new Set(types);
    this.#recordTypes();
  }

  #recordTypes(): void {
    this.#options.db
      .prepare(
        `INSERT INTO ${subscriptions} (name, position, types, updated_at) VALUES (?, 0, ?, ?)
         ON CONFLICT (name) DO UPDATE SET types = excluded.types WHERE types <> excluded.types`,
      )
      .run(relayCheckpoint, JSON.stringify([...this.#types].sort()), new Date().toISOString());
  }

  /** Events acknowledged by JetStream since this relay started. */
  get published(): number {
    return this.#published;
  }

  /** The position of the last event relayed (or passed over). */
  get position(): number {
    return this.#options.db
      .prepare(`SELECT position FROM ${subscriptions} WHERE name = ?`, true)
      .get(relayCheckpoint) as number;
  }

  start(): void {
    this.#running ??= this.#loop();
  }

  async stop(): Promise<void> {
    this.#abort.abort();
    await this.#running;
  }

  async #loop(): Promise<void> {
    const { signal } = this.#abort;
    let failures = 0;
    while (!signal.aborted) {
      try {
        const moved = await this.relayOnce();
        failures = 0;
        if (!moved) await sleep(this.#options.pollMs, signal);
      } catch (error) {
        if (signal.aborted) return;
        failures++;
        this.#options.onError(error);
        await sleep(Math.min(50 * 2 ** failures, 2000), signal);
      }
    }
  }

  /** Relays one batch; resolves to whether the checkpoint moved. */
  async relayOnce(): Promise<boolean> {
    const { db, batch, publish } = this.#options;
    const from = this.position;
    const rows = db
      .prepare(
        `SELECT position, type, version, payload, occurred_at, correlation_id, source_id FROM ${events}
         WHERE position > ? ORDER BY position LIMIT ?`,
      )
      .all(from, batch) as LogRow[];
    if (rows.length === 0) return false;
    const outgoing = rows.filter((row) => row.source_id === null && selects(publish, row.type));
    if (outgoing.length > 0) {
      const js = this.#options.js();
      // Sent in order on one connection, so the stream stores them in log order; all acks are awaited together.
      await Promise.all(outgoing.map((row) => this.#publish(js, row)));
    }
    const unrecorded = outgoing.filter((row) => !this.#types.has(row.type));
    if (unrecorded.length > 0) {
      for (const row of unrecorded) this.#types.add(row.type);
      this.#recordTypes();
    }
    const last = (rows.at(-1) as LogRow).position;
    db.prepare(`UPDATE ${subscriptions} SET position = max(position, ?), updated_at = ? WHERE name = ?`).run(
      last,
      new Date().toISOString(),
      relayCheckpoint,
    );
    this.#published += outgoing.length;
    return true;
  }

  async #publish(js: JetStreamClient, row: LogRow): Promise<void> {
    const id = `${this.#logId}:${row.position}`;
    const h = headers();
    h.set(eventHeaders.id, id);
    h.set(eventHeaders.type, row.type);
    h.set(eventHeaders.version, String(row.version));
    h.set(eventHeaders.occurredAt, String(row.occurred_at));
    if (row.correlation_id !== null) h.set(eventHeaders.correlationId, row.correlation_id);
    await js.publish(subjectOf(row.type, this.#options.subjectPrefix), row.payload, {
      msgID: id,
      headers: h,
      timeout: 5000,
    });
  }
}
