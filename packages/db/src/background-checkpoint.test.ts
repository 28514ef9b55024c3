import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Database, type DatabaseOptions } from './index.js';

const dirs: string[] = [];
const open: Database[] = [];
afterEach(() => {
  for (const db of open.splice(0)) db.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function openFile(options: DatabaseOptions): { db: Database; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'slicewise-checkpoint-'));
  dirs.push(dir);
  const file = join(dir, 'app.db');
  const db = new Database(file, options);
  open.push(db);
  return { db, file };
}

/** Commits about 6 MB (1,500 pages: past SQLite's 1,000-page automatic checkpoint) in 30 transactions. */
function writeSixMegabytes(db: Database): void {
  db.execute('CREATE TABLE IF NOT EXISTS blobs (id INTEGER PRIMARY KEY, body TEXT NOT NULL)');
  const insert = db.prepare('INSERT INTO blobs (body) VALUES (?)');
  for (let transaction = 0; transaction < 30; transaction++) {
    db.atomic(() => {
      for (let row = 0; row < 200; row++) insert.run('x'.repeat(1000));
    });
  }
}

const sizeOf = (file: string) => (existsSync(file) ? statSync(file).size : 0);

async function waitFor(condition: () => boolean, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (!condition() && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 10));
  return condition();
}

describe("Database's checkpoint option", () => {
  it('auto: a commit that grows the log past 1000 pages copies it into the file', () => {
    const { db, file } = openFile({});

    writeSixMegabytes(db);

    expect(db.raw.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    expect(sizeOf(file)).toBeGreaterThan(3_000_000);
  });

  it('background: no commit of the writer checkpoints below the backstop; the worker does, within its interval', async () => {
    const { db, file } = openFile({ checkpoint: 'background', checkpointIntervalMs: 60_000 });
    writeSixMegabytes(db);

    expect(db.raw.pragma('wal_autocheckpoint', { simple: true })).toBe(10_000);
    expect(sizeOf(file)).toBeLessThan(100_000); // every page is still in the log
    expect(sizeOf(`${file}-wal`)).toBeGreaterThan(6_000_000);

    const { db: quick, file: quickFile } = openFile({ checkpoint: 'background', checkpointIntervalMs: 20 });
    writeSixMegabytes(quick);
    // The worker starts a thread and opens its own connection first: seconds on a loaded machine, so a wide margin.
    expect(await waitFor(() => sizeOf(quickFile) > 6_000_000, 30_000)).toBe(true);
  });

  /** Commits `transactions` of 10 KB each, yielding every 20 so a worker can run; returns the largest log seen. */
  async function writeWithoutPause(db: Database, file: string, transactions: number): Promise<number> {
    db.execute('CREATE TABLE blobs (id INTEGER PRIMARY KEY, body TEXT NOT NULL)');
    const insert = db.prepare('INSERT INTO blobs (body) VALUES (?)');
    let largestLog = 0;
    for (let transaction = 0; transaction < transactions; transaction++) {
      db.atomic(() => {
        for (let row = 0; row < 10; row++) insert.run('x'.repeat(1000));
      });
      largestLog = Math.max(largestLog, sizeOf(`${file}-wal`));
      if (transaction % 20 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    return largestLog;
  }

  it('background: past the backstop the writer checkpoints itself, so the log starts over (no worker running)', async () => {
    const { db, file } = openFile({
      checkpoint: 'background',
      checkpointIntervalMs: 60_000,
      checkpointBackstopPages: 200,
    });

    const largestLog = await writeWithoutPause(db, file, 600); // 6 MB; the worker's first look is a minute away

    // 200 pages of 4 KiB, the commit that crossed them, and the log's headers: the log never holds more.
    expect(largestLog).toBeLessThan(1_000_000);
  });

  it('background: writes that never pause keep the log bounded while the worker races them', async () => {
    const { db, file } = openFile({ checkpoint: 'background', checkpointIntervalMs: 20, checkpointBackstopPages: 200 });

    const largestLog = await writeWithoutPause(db, file, 1200); // 12 MB

    // The worker never sees the log caught up: without the backstop the log would hold all 12 MB. While the
    // worker's checkpoint runs, the writer's own cannot, so the log grows past the backstop for as long as the
    // worker's thread is off the CPU: 2.4 MB seen on a loaded machine, hence a wide bound.
    expect(largestLog).toBeLessThan(8_000_000);
  });

  it('background: close stops the worker, then checkpoints and removes the log; the rows are in the file', () => {
    const { db, file } = openFile({ checkpoint: 'background', checkpointIntervalMs: 60_000 });
    writeSixMegabytes(db);

    db.close();

    expect(sizeOf(`${file}-wal`)).toBe(0);
    const reopened = new Database(file, { readonly: true });
    open.push(reopened);
    expect(reopened.prepare('SELECT count(*) FROM blobs', true).get()).toBe(6000);
  });

  it('background: ignored in memory; a wrong mode or interval is refused', () => {
    const memory = new Database(':memory:', { checkpoint: 'background' });
    open.push(memory);

    expect(memory.raw.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    expect(() => new Database(':memory:', { checkpoint: 'never' as 'auto' })).toThrow(/Unknown checkpoint mode/);
    expect(() => new Database(':memory:', { checkpointIntervalMs: 0 })).toThrow(/checkpointIntervalMs/);
    expect(() => new Database(':memory:', { checkpointBackstopPages: 0 })).toThrow(/checkpointBackstopPages/);
  });
});
