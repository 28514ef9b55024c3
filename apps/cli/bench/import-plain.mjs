// The hand-written baseline of `pnpm bench:import`: a plain better-sqlite3 script doing what `slicewise users
// import` + the user-stats read model do, written the fastest obvious way: read the CSV line by line; the same rules,
// checked with the same schema (`newUserSchema` of @slicewise/users: name trimmed 1..100, email trimmed, lowercased,
// at most 254, an email shape; unique NOCASE in the table); batches of 1,000 rows in one transaction each, with the
// stats (total, active, per UTC day) counted once per batch. No event log, no mediator, no progress.
// Usage: node import-plain.mjs <file.csv> <db>
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { newUserSchema } from '@slicewise/users';
import Database from 'better-sqlite3';

const [file, path] = process.argv.slice(2);
const db = new Database(path);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.exec(`
  CREATE TABLE IF NOT EXISTS users (
    id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT NOT NULL UNIQUE COLLATE NOCASE,
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')));
  CREATE INDEX IF NOT EXISTS users_active ON users (active, id);
  CREATE TABLE IF NOT EXISTS user_stats_totals (id INTEGER PRIMARY KEY CHECK (id = 1), total INTEGER NOT NULL, active INTEGER NOT NULL);
  CREATE TABLE IF NOT EXISTS user_stats_days (day TEXT PRIMARY KEY, registered INTEGER NOT NULL);
`);
const insert = db.prepare(
  'INSERT INTO users (name, email) VALUES (?, ?) ON CONFLICT (email) DO NOTHING RETURNING active, created_at',
);
const totals = db.prepare(`INSERT INTO user_stats_totals (id, total, active) VALUES (1, ?, ?)
  ON CONFLICT (id) DO UPDATE SET total = total + excluded.total, active = active + excluded.active`);
const days = db.prepare(`INSERT INTO user_stats_days (day, registered) VALUES (?, ?)
  ON CONFLICT (day) DO UPDATE SET registered = registered + excluded.registered`);

const write = db.transaction((rows) => {
  let total = 0;
  let active = 0;
  const perDay = new Map();
  for (const [name, email] of rows) {
    const row = insert.get(name, email);
    if (!row) continue;
    total++;
    active += row.active;
    const day = row.created_at.slice(0, 10);
    perDay.set(day, (perDay.get(day) ?? 0) + 1);
  }
  totals.run(total, active);
  for (const [day, count] of perDay) days.run(day, count);
  return total;
});

{
  let batch = [];
  let imported = 0;
  let rejected = 0;
  let header = true;
  for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
    if (header) {
      header = false;
      continue;
    }
    if (line.trim() === '') continue;
    const comma = line.indexOf(',');
    const parsed =
      comma < 0 ? undefined : newUserSchema.safeParse({ name: line.slice(0, comma), email: line.slice(comma + 1) });
    if (!parsed?.success) {
      rejected++;
      continue;
    }
    batch.push([parsed.data.name, parsed.data.email]);
    if (batch.length === 1000) {
      imported += write(batch);
      batch = [];
    }
  }
  if (batch.length > 0) imported += write(batch);
  db.close();
  process.stdout.write(`${JSON.stringify({ imported, rejected })}\n`);
}
