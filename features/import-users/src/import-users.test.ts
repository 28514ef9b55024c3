import 'reflect-metadata';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Database } from '@slicewise/db';
import { createHost } from '@slicewise/host';
import { defineSlice, type NotificationHandler, on, requestFromInput, TimeoutError } from '@slicewise/mediator';
import { Service } from 'typedi';
import { afterAll, describe, expect, expectTypeOf, it } from 'vitest';
import { type ImportProgress, ImportUsers, importUsers, UsersRegistered } from './index.js';

const writer = { caller: { id: 'test', permissions: ['users:write'] } };
const folder = mkdtempSync(join(tmpdir(), 'import-users-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const seen: { email: string; inTransaction: boolean }[] = [];
let recorderDb: Database | undefined;

@Service()
class Recorder implements NotificationHandler<UsersRegistered> {
  handle({ users }: UsersRegistered): void {
    for (const user of users)
      seen.push({ email: user.email, inTransaction: (recorderDb as Database).raw.inTransaction });
  }
}
const recorder = defineSlice({ name: 'test-recorder', handlers: [on(UsersRegistered, Recorder)] });

function newHost() {
  seen.length = 0;
  const host = createHost({ slices: [importUsers, recorder] });
  recorderDb = host.db;
  return host;
}

async function collect(items: AsyncIterable<ImportProgress>): Promise<ImportProgress[]> {
  const all: ImportProgress[] = [];
  for await (const item of items) all.push(item);
  return all;
}

const ndjson = (...rows: unknown[]) =>
  rows.map((row) => (typeof row === 'string' ? row : JSON.stringify(row))).join('\n');
const emails = (db: Database) =>
  db
    .query<{ email: string }>('SELECT email FROM users ORDER BY id')
    .all()
    .map((r) => r.email);

describe('ImportUsers', () => {
  it('imports an NDJSON body and ends with a done progress item', async () => {
    const host = newHost();
    const body = ndjson({ name: 'Ada', email: 'Ada@Example.com' }, { name: 'Alan', email: 'alan@example.com' });

    const stream = host.mediator.stream(new ImportUsers({ body }), writer);
    const progress = await collect(stream);

    expectTypeOf(stream).toEqualTypeOf<AsyncIterable<ImportProgress>>();
    expect(progress).toEqual([
      { read: 2, imported: 2, rejected: 0, rejections: [], done: false },
      { read: 2, imported: 2, rejected: 0, rejections: [], done: true },
    ]);
    expect(host.db.query('SELECT name, email, active FROM users ORDER BY id').all()).toEqual([
      { name: 'Ada', email: 'ada@example.com', active: 1 },
      { name: 'Alan', email: 'alan@example.com', active: 1 },
    ]);
    host.close();
  });

  it('imports a CSV file with quoted fields, CRLF line ends and extra columns', async () => {
    const host = newHost();
    const file = join(folder, 'users.csv');
    writeFileSync(
      file,
      'email,name,team\r\nada@example.com,"Lovelace, Ada",x\r\n"grace@example.com","Grace ""Amazing"" Hopper",y\r\n',
    );

    const progress = await collect(host.mediator.stream(requestFromInput(ImportUsers, { file }), writer));

    expect(progress.at(-1)).toEqual({ read: 2, imported: 2, rejected: 0, rejections: [], done: true });
    expect(host.db.query('SELECT name FROM users ORDER BY id').all()).toEqual([
      { name: 'Lovelace, Ada' },
      { name: 'Grace "Amazing" Hopper' },
    ]);
    host.close();
  });

  it('reports malformed, invalid and duplicate rows by line and never writes them', async () => {
    const host = newHost();
    host.db.execute("INSERT INTO users (name, email) VALUES ('Old', 'old@example.com')");
    const body = ndjson(
      { name: 'Ada', email: 'ada@example.com' }, // 1
      '{"name": "Broken", "email": ', //            2 malformed JSON
      '', //                                        3 blank: skipped
      { name: 'Bad Email', email: 'nope' }, //       4 invalid
      { name: 'Old again', email: 'OLD@example.com' }, // 5 already in the table
      { name: 'Ada twin', email: 'ada@EXAMPLE.com' }, //  6 earlier in this file
      '[1, 2]', //                                  7 not an object
      { name: '  ', email: 'blank@example.com' }, //  8 invalid name
    );

    const progress = await collect(host.mediator.stream(new ImportUsers({ body }), writer));

    expect(progress[0]?.rejections).toEqual([
      { line: 2, code: 'MALFORMED', reason: 'not valid JSON' },
      { line: 4, code: 'VALIDATION', reason: 'email: must be an email address' },
      { line: 5, code: 'CONFLICT', reason: 'email old@example.com is already registered' },
      { line: 6, code: 'CONFLICT', reason: 'email ada@example.com is already registered' },
      { line: 7, code: 'MALFORMED', reason: 'not a JSON object' },
      { line: 8, code: 'VALIDATION', reason: 'name: must not be empty' },
    ]);
    expect(progress.at(-1)).toMatchObject({ read: 7, imported: 1, rejected: 6, done: true });
    expect(emails(host.db)).toEqual(['old@example.com', 'ada@example.com']);
    host.close();
  });

  it('commits in batches and yields progress after each batch', async () => {
    const host = newHost();
    const rows = Array.from({ length: 5 }, (_, i) => ({ name: `U${i}`, email: `u${i}@example.com` }));

    const progress = await collect(host.mediator.stream(new ImportUsers({ body: ndjson(...rows), batch: 2 }), writer));

    expect(progress.map((item) => [item.read, item.imported, item.done])).toEqual([
      [2, 2, false],
      [4, 4, false],
      [5, 5, false],
      [5, 5, true],
    ]);
    host.close();
  });

  it('gives the event loop a turn between reading a buffered batch and writing it, and after writing it', async () => {
    const host = newHost();
    const rows = Array.from({ length: 4 }, (_, i) => ({ name: `U${i}`, email: `u${i}@example.com` }));
    const countedAtTurns: number[] = [];
    let importing = true;
    const countEachTurn = () => {
      if (!importing) return;
      countedAtTurns.push(host.db.table('users').countWhere());
      setImmediate(countEachTurn);
    };

    setImmediate(countEachTurn); // other work of the host's thread, one piece per turn
    await collect(host.mediator.stream(new ImportUsers({ body: ndjson(...rows), batch: 2 }), writer));
    importing = false;

    // the whole body is buffered, yet the first turn comes before the first write, and one between the batches
    expect(countedAtTurns.slice(0, 3)).toEqual([0, 2, 2]);
    host.close();
  });

  it('appends one UsersRegistered per batch to the event log with its rows; in-process handlers run after the commit', async () => {
    const host = newHost();
    const body = ndjson(
      { name: 'Ada', email: 'ada@example.com' },
      { name: 'X', email: 'bad' },
      { name: 'Alan', email: 'alan@example.com' },
    );

    await collect(host.mediator.stream(new ImportUsers({ body, batch: 2 }), writer));

    expect(seen).toEqual([
      { email: 'ada@example.com', inTransaction: false },
      { email: 'alan@example.com', inTransaction: false },
    ]);
    const logged = host.db
      .query<{ type: string; payload: string }>('SELECT type, payload FROM _slicewise_events')
      .all();
    expect(
      logged.map((event) => [event.type, JSON.parse(event.payload).users.map((u: { id: number }) => u.id)]),
    ).toEqual([
      ['@slicewise/users/UsersRegistered', [1]], // batch 1: Ada (the bad row is rejected)
      ['@slicewise/users/UsersRegistered', [2]], // batch 2: Alan
    ]);
    host.close();
  });

  it('keeps the committed batches and writes no part of the next one when cancelled between batches', async () => {
    const host = newHost();
    const rows = Array.from({ length: 10 }, (_, i) => ({ name: `U${i}`, email: `u${i}@example.com` }));
    const controller = new AbortController();
    const items: ImportProgress[] = [];

    const run = async () => {
      for await (const item of host.mediator.stream(new ImportUsers({ body: ndjson(...rows), batch: 3 }), {
        ...writer,
        signal: controller.signal,
      })) {
        items.push(item);
        if (items.length === 2) controller.abort();
      }
    };

    await expect(run()).rejects.toMatchObject({ code: 'CANCELLED', details: { imported: 6 } });
    expect(items.map((item) => item.imported)).toEqual([3, 6]);
    expect(host.db.table('users').countWhere()).toBe(6);
    expect(seen).toHaveLength(6);
    host.close();
  });

  it('stops with TIMEOUT, not CANCELLED, when the deadline passes between batches', async () => {
    const host = newHost();
    const rows = Array.from({ length: 10 }, (_, i) => ({ name: `U${i}`, email: `u${i}@example.com` }));
    const controller = new AbortController();
    const deadline = new TimeoutError('The request ran past its 600 ms deadline');
    let items = 0;

    const run = async () => {
      for await (const _ of host.mediator.stream(new ImportUsers({ body: ndjson(...rows), batch: 3 }), {
        ...writer,
        signal: controller.signal,
      })) {
        if (++items === 1) controller.abort(deadline);
      }
    };

    const failure = await run().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TimeoutError);
    expect(failure).toMatchObject({
      message: 'Import stopped after 3 imported rows; committed batches are kept',
      details: { imported: 3 },
      cause: deadline,
    });
    expect(host.db.table('users').countWhere()).toBe(3);
    host.close();
  });

  it('reads a stream of byte chunks split inside lines and characters', async () => {
    const host = newHost();
    const bytes = new TextEncoder().encode(
      ndjson({ name: 'Zoë Ångström', email: 'zoe@example.com' }, { name: 'Bo', email: 'bo@example.com' }),
    );
    async function* chunks() {
      for (let i = 0; i < bytes.length; i += 3) yield bytes.subarray(i, i + 3);
    }

    const progress = await collect(host.mediator.stream(new ImportUsers({ body: chunks() }), writer));

    expect(progress.at(-1)).toMatchObject({ imported: 2, rejected: 0 });
    expect(host.db.query('SELECT name FROM users ORDER BY id').all()).toEqual([
      { name: 'Zoë Ångström' },
      { name: 'Bo' },
    ]);
    host.close();
  });

  it('rejects a line longer than 64 KiB without holding it', async () => {
    const host = newHost();
    const body = ndjson(
      { name: 'x'.repeat(70_000), email: 'long@example.com' },
      { name: 'Ok', email: 'ok@example.com' },
    );

    const progress = await collect(host.mediator.stream(new ImportUsers({ body }), writer));

    expect(progress[0]?.rejections).toEqual([{ line: 1, code: 'MALFORMED', reason: 'longer than 65536 characters' }]);
    expect(emails(host.db)).toEqual(['ok@example.com']);
    host.close();
  });

  it.each([
    [{}, 'VALIDATION'],
    [{ file: 'a.ndjson', body: '' }, 'VALIDATION'],
    [{ file: 'users.txt' }, 'VALIDATION'],
    [{ file: 'missing.ndjson' }, 'NOT_FOUND'],
    [{ body: '', format: 'xml' }, 'VALIDATION'],
    [{ body: '', batch: '0' }, 'VALIDATION'],
  ])('fails %j with %s before writing anything', async (input, code) => {
    const host = newHost();

    await expect(collect(host.mediator.stream(requestFromInput(ImportUsers, input), writer))).rejects.toMatchObject({
      code,
    });
    expect(host.db.table('users').countWhere()).toBe(0);
    host.close();
  });

  it('fails a CSV without a name or email column', async () => {
    const host = newHost();

    await expect(
      collect(
        host.mediator.stream(new ImportUsers({ body: 'full_name,mail\nAda,ada@example.com', format: 'csv' }), writer),
      ),
    ).rejects.toMatchObject({
      code: 'VALIDATION',
      message: 'Line 1: the CSV header must name a name and an email column',
    });
    host.close();
  });

  it('requires users:write', async () => {
    const host = newHost();

    await expect(collect(host.mediator.stream(new ImportUsers({ body: '' })))).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
    });
    host.close();
  });

  it('declares POST /users/import with an NDJSON body and users import <file>', () => {
    expect(ImportUsers.declaration).toMatchObject({
      meta: {
        http: { method: 'POST', path: '/users/import', body: 'ndjson' },
        cli: { command: 'users import', args: ['file'] },
      },
      permissions: ['users:write'],
    });
  });
});
