import type { Migration } from '@slicewise/db';

/** The migration set of the bridge's tables. */
export const natsSet = '@slicewise/nats';

/** The relay's checkpoint: a row of the log's subscriptions table, so the log keeps (never prunes) what it has not sent. */
export const relayCheckpoint = '@slicewise/nats/relay';

/** The ids of remote events this log has recorded: one row each, written with the event, so a redelivery is skipped. */
export const inboxTable = '_slicewise_inbox';

export const natsMigrations: readonly Migration[] = [
  {
    name: '001-create-inbox',
    up: `CREATE TABLE ${inboxTable} (id TEXT PRIMARY KEY, received_at INTEGER NOT NULL) WITHOUT ROWID;`,
  },
];
