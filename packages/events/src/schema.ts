import type { Migration } from '@slicewise/db';

/** The migration set of the event log, recorded like a slice's. */
export const eventLogSet = '@slicewise/events';

/** The log's tables. Names start with `_slicewise_` so they never clash with a slice's. */
export const tables = {
  events: '_slicewise_events',
  subscriptions: '_slicewise_subscriptions',
  parked: '_slicewise_parked',
  meta: '_slicewise_event_log',
} as const;

/**
 * - events: the log. `position` is the rowid: appends go to the end of the B-tree, and pruning never deletes the
 *   newest event, so a position is never reused. `occurred_at` is milliseconds since the epoch. `source_id` is the
 *   global id of an event that came from another log (a broker's inbox); NULL for events appended here.
 *   `traceparent` is the W3C trace context of the span that published the event (NULL when not tracing), so the
 *   span that handles it links to it.
 * - subscriptions: one checkpoint per durable subscription, with its event types (so any process can report its
 *   lag), its retry state (a failed batch is retried one event at a time up to `isolate_until`, so only the
 *   failing event waits and is parked) and, for at-least-once subscriptions, a lease.
 * - parked: events a subscription gave up on after its attempts, with the last error; `retry` re-delivers them.
 */
export const eventLogMigrations: readonly Migration[] = [
  {
    name: '001-create-event-log',
    up: `
      CREATE TABLE ${tables.meta} (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      INSERT INTO ${tables.meta} (key, value) VALUES ('log_id', lower(hex(randomblob(8))));
      CREATE TABLE ${tables.events} (
        position INTEGER PRIMARY KEY,
        type TEXT NOT NULL,
        version INTEGER NOT NULL,
        payload TEXT NOT NULL,
        occurred_at INTEGER NOT NULL,
        correlation_id TEXT,
        source_id TEXT,
        traceparent TEXT
      );
      CREATE TABLE ${tables.subscriptions} (
        name TEXT PRIMARY KEY,
        position INTEGER NOT NULL,
        types TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        retry_at INTEGER,
        isolate_until INTEGER,
        last_error TEXT,
        lease_owner TEXT,
        lease_until INTEGER,
        updated_at TEXT NOT NULL
      );
      CREATE TABLE ${tables.parked} (
        id INTEGER PRIMARY KEY,
        subscription TEXT NOT NULL,
        position INTEGER NOT NULL,
        type TEXT NOT NULL,
        error TEXT NOT NULL,
        attempts INTEGER NOT NULL,
        parked_at TEXT NOT NULL,
        UNIQUE (subscription, position)
      );
    `,
  },
];
