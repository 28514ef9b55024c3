import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Database } from '@slicewise/db';
import { defineSlice, subscribe } from '@slicewise/mediator';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CountNotes, miniHost, NoteRead, NoteWritten, noteMigrations } from './fixture.test-util.js';

const notes = (options: { batch?: number; from?: 'start' | 'end'; maxAttempts?: number } = {}) =>
  defineSlice({
    name: 'notes',
    migrations: noteMigrations,
    subscriptions: [subscribe([NoteWritten], CountNotes, { name: 'notes/count', ...options })],
  });

const counted = (db: Database) =>
  db
    .query<{ note: number }>('SELECT note FROM note_counts ORDER BY note')
    .all()
    .map((row) => row.note);

/** Writes a note and publishes its event in one transaction, as a command handler does. */
function writeNote(host: ReturnType<typeof miniHost>, id: number, text = `note ${id}`, fail = false): void {
  host.db.atomic(() => {
    host.db.execute('INSERT INTO notes (id, text) VALUES (?, ?)', [id, text]);
    void host.mediator.publish(new NoteWritten(id, text));
    if (fail) throw new Error('the command failed after publishing');
  });
}

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('appending', () => {
  it('writes an event in the transaction that publishes it: a rollback leaves neither the row nor the event', () => {
    const host = miniHost([notes()]);

    writeNote(host, 1);
    expect(() => writeNote(host, 2, 'x', true)).toThrow('the command failed');

    expect(host.db.query('SELECT id FROM notes').all()).toEqual([{ id: 1 }]);
    expect(host.db.query('SELECT position, type, payload FROM _slicewise_events').all()).toEqual([
      { position: 1, type: 'test/NoteWritten', payload: '{"id":1,"text":"note 1"}' },
    ]);
  });

  it('appends an event published outside any transaction in its own', async () => {
    const host = miniHost([notes()]);

    await host.mediator.publish(new NoteWritten(7, 'alone'), { correlationId: 'corr-7' });

    expect(host.db.inTransaction).toBe(false);
    expect(host.db.query('SELECT type, correlation_id FROM _slicewise_events').all()).toEqual([
      { type: 'test/NoteWritten', correlation_id: 'corr-7' },
    ]);
  });
});

describe('exactly-once subscriptions', () => {
  it('hand events over in log order, in batches, and commit each batch with the checkpoint', () => {
    const host = miniHost([notes({ batch: 3 })]);
    for (let id = 1; id <= 7; id++) writeNote(host, id);
    const handler = host.container.get(CountNotes);

    expect(host.events.catchUp()).toBe(0);

    expect(counted(host.db)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(handler.batches).toEqual([3, 3, 1]);
    expect(host.events.status()).toEqual([
      { name: 'notes/count', position: 7, lag: 0, parked: 0, attempts: 0, lastError: undefined, composed: true },
    ]);
  });

  it('give each delivery a global id made of the log id and the position, decoded into the event class', () => {
    const host = miniHost([notes()]);
    writeNote(host, 1);
    host.events.catchUp();

    const [row] = host.db.query<{ delivery: string }>('SELECT delivery FROM note_counts').all();
    expect(row?.delivery).toMatch(/^[0-9a-f]{16}:1$/);
  });

  it('skip events of other types and move the checkpoint past them', async () => {
    const host = miniHost([notes()]);
    await host.mediator.publish(new NoteRead(1));
    writeNote(host, 2);
    await host.mediator.publish(new NoteRead(2));

    host.events.catchUp();

    expect(counted(host.db)).toEqual([2]);
    expect(host.events.status()[0]?.position).toBe(3);
  });

  it('start at the log end when declared from: end, at the start otherwise', () => {
    const db = new Database(':memory:');
    const writer = miniHost([defineSlice({ name: 'notes', migrations: noteMigrations })], db);
    writeNote(writer, 1);

    const fromEnd = miniHost(
      [
        defineSlice({
          name: 'late',
          subscriptions: [subscribe([NoteWritten], CountNotes, { name: 'late/count', from: 'end' })],
        }),
      ],
      db,
    );
    const fromStart = miniHost([notes()], db);
    writeNote(writer, 2);
    fromEnd.events.catchUp();
    fromStart.events.catchUp();

    expect(fromEnd.events.status().map((s) => [s.name, s.position])).toEqual([
      ['late/count', 2],
      ['notes/count', 2],
    ]);
    expect(counted(db)).toEqual([1, 2, 2]); // both counted note 2; only the one from the start counted note 1
  });

  it('let a host that composes only the publisher leave events for a later host that composes the subscriber', () => {
    const dir = mkdtempSync(join(tmpdir(), 'slicewise-events-'));
    dirs.push(dir);
    const file = join(dir, 'app.db');
    const publisherOnly = miniHost([defineSlice({ name: 'notes', migrations: noteMigrations })], new Database(file));
    writeNote(publisherOnly, 1);
    writeNote(publisherOnly, 2);
    publisherOnly.db.close();

    const later = miniHost([notes()], new Database(file));
    expect(counted(later.db)).toEqual([]);
    later.events.catchUp();

    expect(counted(later.db)).toEqual([1, 2]);
    later.db.close();
  });
});

describe('failures', () => {
  it('retry a failing batch one event at a time, then park the failing event after its attempts and go on', () => {
    let now = 1_000_000;
    const failures: unknown[] = [];
    const host = miniHost([notes({ batch: 10, maxAttempts: 3 })], new Database(':memory:'), {
      backoff: () => 50,
      onFailure: (error, info) => failures.push([(error as Error).message, info]),
    });
    writeNote(host, 1);
    writeNote(host, 2, 'boom');
    writeNote(host, 3);
    const step = () => host.events.catchUp(undefined, 50);

    // The batch of 3 fails and is rolled back whole; the retry isolates: note 1 alone succeeds, note 2 fails.
    const realNow = Date.now;
    Date.now = () => now;
    try {
      step();
      expect(counted(host.db)).toEqual([1]);
      expect(host.events.status()[0]).toMatchObject({ position: 1, attempts: 1, lastError: 'cannot count note 2' });
      now += 49;
      step(); // still waiting for its backoff
      expect(host.events.status()[0]?.attempts).toBe(1);
      now += 1;
      step(); // attempt 2 fails
      now += 50;
      step(); // attempt 3 fails: parked, and note 3 is counted
    } finally {
      Date.now = realNow;
    }

    expect(counted(host.db)).toEqual([1, 3]);
    expect(host.events.parked()).toEqual([
      {
        id: 1,
        subscription: 'notes/count',
        position: 2,
        type: 'test/NoteWritten',
        error: 'cannot count note 2',
        attempts: 3,
        parkedAt: expect.any(String),
      },
    ]);
    expect(host.events.status()[0]).toMatchObject({ position: 3, parked: 1, attempts: 0, lag: 0 });
    expect(failures.map((failure) => (failure as [string, { parked: boolean }])[1].parked)).toEqual([
      false,
      false,
      false,
      true,
    ]);
  });

  it('re-deliver a parked event on retry once its cause is fixed, and forget it', async () => {
    const host = miniHost([notes({ maxAttempts: 1 })]);
    writeNote(host, 1, 'boom');
    host.events.catchUp();
    const [parked] = host.events.parked();
    host.db.execute("UPDATE _slicewise_events SET payload = json_set(payload, '$.text', 'fixed')");

    await host.events.retry(parked?.id ?? 0);

    expect(counted(host.db)).toEqual([1]);
    expect(host.events.parked()).toEqual([]);
    await expect(host.events.retry(99)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('draining', () => {
  it('runs this process subscriptions after its own writes, without being asked', async () => {
    const host = miniHost([notes()]);
    host.events.start();

    writeNote(host, 1);
    await new Promise((resolve) => setImmediate(resolve));
    await host.events.drain();

    expect(counted(host.db)).toEqual([1]);
    await host.events.stop();
  });

  it('picks up what another connection committed, on its poll', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'slicewise-events-'));
    dirs.push(dir);
    const file = join(dir, 'app.db');
    const driver = miniHost([notes()], new Database(file), { pollMs: 10 });
    const writer = miniHost([defineSlice({ name: 'notes', migrations: noteMigrations })], new Database(file));
    driver.events.start();

    writeNote(writer, 1);
    const deadline = Date.now() + 5000;
    while (counted(driver.db).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));

    expect(counted(driver.db)).toEqual([1]);
    await driver.events.stop();
    driver.db.close();
    writer.db.close();
  });

  it('drains soon after notify() when another connection appended, without waiting for its poll', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'slicewise-events-'));
    dirs.push(dir);
    const file = join(dir, 'app.db');
    const driver = miniHost([notes()], new Database(file), { pollMs: 60_000, wakeDelayMs: 0 });
    const writer = miniHost([defineSlice({ name: 'notes', migrations: noteMigrations })], new Database(file));
    driver.events.start();
    await new Promise((resolve) => setTimeout(resolve, 50)); // the drain start() scheduled has run
    await driver.events.drain();

    writeNote(writer, 1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(counted(driver.db)).toEqual([]); // its next poll is a minute away
    driver.events.notify();
    await vi.waitFor(() => expect(counted(driver.db)).toEqual([1]), { timeout: 5_000, interval: 10 });

    await driver.events.stop();
    driver.db.close();
    writer.db.close();
  });
});

describe('retention', () => {
  it('prunes events every subscription has passed once they are older than the retention, never the others', () => {
    const host = miniHost([notes()], new Database(':memory:'), { retentionDays: 1 });
    writeNote(host, 1);
    writeNote(host, 2);
    host.events.catchUp();
    writeNote(host, 3); // not yet handled

    expect(host.events.prune(Date.now() + 2 * 86_400_000)).toBe(2);
    expect(host.db.query('SELECT position FROM _slicewise_events').all()).toEqual([{ position: 3 }]);
    expect(host.events.prune(Date.now())).toBe(0);
    writeNote(host, 4);
    expect(host.db.query('SELECT max(position) AS p FROM _slicewise_events').first()).toEqual({ p: 4 });
  });
});

describe('a database closed under the log', () => {
  it('stops driving instead of failing on its next poll', async () => {
    const host = miniHost([notes()], new Database(':memory:'), { pollMs: 5 });
    host.events.start();
    host.db.close();

    await new Promise((resolve) => setTimeout(resolve, 30)); // several polls: none may throw

    await host.events.stop();
  });
});

describe('batch size', () => {
  it('hands over fewer events than the batch when their payloads pass maxBatchBytes, at least one', () => {
    const host = miniHost([notes({ batch: 10 })], new Database(':memory:'), { maxBatchBytes: 100 });
    for (let id = 1; id <= 4; id++) writeNote(host, id, 'x'.repeat(id === 3 ? 500 : 30));
    const handler = host.container.get(CountNotes);

    host.events.catchUp();

    // payloads are ~45 characters, note 3 ~515: two fit in 100, then note 3 alone, then note 4
    expect(handler.batches).toEqual([2, 1, 1]);
    expect(counted(host.db)).toEqual([1, 2, 3, 4]);
  });
});

describe('waking after its own appends', () => {
  it('waits wakeDelayMs, so events appended meanwhile are handled in one step', async () => {
    // A delay far longer than three turns of the event loop, even on a loaded machine (50 ms was not: CI load 24).
    const host = miniHost([notes({ batch: 10 })], new Database(':memory:'), { wakeDelayMs: 1_000 });
    const handler = host.container.get(CountNotes);
    host.events.start();

    for (let id = 1; id <= 3; id++) {
      writeNote(host, id); // three requests, each in its own turn of the event loop
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(handler.batches).toEqual([]); // nothing before the delay
    await vi.waitFor(() => expect(counted(host.db)).toHaveLength(3), { timeout: 10_000, interval: 50 });

    expect(handler.batches).toEqual([3]);
    expect(counted(host.db)).toEqual([1, 2, 3]);
    await host.events.stop();
  });
});

describe('steps', () => {
  it('takes no second step after a batch that held every pending event, and moves past other types in it', async () => {
    const statements: string[] = [];
    const db = new Database(':memory:', { tracer: (sql) => statements.push(sql) });
    const host = miniHost([notes({ batch: 10 })], db);
    for (let id = 1; id <= 3; id++) writeNote(host, id);
    await host.mediator.publish(new NoteRead(1));
    statements.length = 0;

    await host.events.drain();

    const claims = statements.filter((sql) => sql.startsWith('SELECT * FROM _slicewise_subscriptions WHERE name'));
    expect(claims).toHaveLength(1); // one BEGIN IMMEDIATE step, not a second one that finds nothing
    expect(host.container.get(CountNotes).batches).toEqual([3]);
    expect(host.events.status()[0]?.position).toBe(4);
  });

  it('steps again after a full batch: more may follow', () => {
    const host = miniHost([notes({ batch: 2 })]);
    for (let id = 1; id <= 4; id++) writeNote(host, id);

    expect(host.events.catchUp()).toBe(0);

    expect(host.container.get(CountNotes).batches).toEqual([2, 2]);
    expect(counted(host.db)).toEqual([1, 2, 3, 4]);
  });
});
