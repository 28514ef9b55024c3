import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';

const entry = fileURLToPath(new URL('../dist/test-fixtures/server-with-fixtures.js', import.meta.url));
const token = 'shutdown-test-token-0123456789';
const children: ChildProcess[] = [];
const dirs: string[] = [];

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

interface Started {
  child: ChildProcess;
  base: string;
  database: string;
  exited: Promise<number | null>;
  output: () => string;
}

/** Starts the API with the fixture slices as a separate process on a fresh database file. */
function start(env: Record<string, string> = {}): Promise<Started> {
  const dir = mkdtempSync(join(tmpdir(), 'slicewise-api-shutdown-'));
  dirs.push(dir);
  const database = join(dir, 'api.db');
  const child = spawn(process.execPath, [entry], {
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: '0',
      SLICEWISE_DB: database,
      SLICEWISE_TOKENS: JSON.stringify({ [token]: { id: 'wanda', permissions: ['accounts:write'] } }),
      SLICEWISE_TOKENS_FILE: '',
      ...env,
    },
  });
  children.push(child);
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  let output = '';
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk;
      const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match?.[1]) resolve({ child, base: match[1], database, exited, output: () => output });
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk;
    });
    child.on('exit', (code) => reject(new Error(`API exited with ${code} before listening:\n${output}`)));
  });
}

describe('graceful shutdown', () => {
  it('loses no acknowledged write when SIGTERM lands in a burst of 200 concurrent writes', async () => {
    const { child, base, database, exited } = await start();
    const acknowledged: { id: number; handle: string }[] = [];
    const refusals: { status: number; body: unknown }[] = [];
    let unanswered = 0;
    let signalled = false;

    const writes = Array.from({ length: 200 }, async (_, index) => {
      try {
        const response = await fetch(`${base}/accounts`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ handle: `user_${index}`, email: `user${index}@example.com` }),
        });
        if (response.status !== 201) {
          refusals.push({ status: response.status, body: await response.json() });
          return;
        }
        acknowledged.push((await response.json()) as { id: number; handle: string });
        if (acknowledged.length === 20 && !signalled) {
          signalled = true;
          child.kill('SIGTERM');
        }
      } catch {
        unanswered += 1; // the connection closed before an answer: not acknowledged
      }
    });
    await Promise.all(writes);

    expect(signalled).toBe(true);
    expect(await exited).toBe(0);
    expect(acknowledged.length + refusals.length + unanswered).toBe(200);
    for (const refusal of refusals) {
      expect(refusal).toEqual({
        status: 503,
        body: expect.objectContaining({ code: 'UNAVAILABLE', detail: 'The server is shutting down' }),
      });
    }
    expect(acknowledged.length).toBeGreaterThanOrEqual(20);
    const db = new BetterSqlite3(database, { readonly: true });
    try {
      const stored = new Map(
        db
          .prepare('SELECT id, handle FROM accounts')
          .all()
          .map((row) => [(row as { id: number }).id, (row as { handle: string }).handle]),
      );
      const lost = acknowledged.filter((account) => stored.get(account.id) !== account.handle);
      expect(lost).toEqual([]);
    } finally {
      db.close();
    }
  });

  it('lets a request in flight finish, then exits without waiting for its idle connection', async () => {
    const { child, base, exited, output } = await start({ SHUTDOWN_TIMEOUT_MS: '8000' });
    const slow = fetch(`${base}/fixtures/wait?ms=600`);
    await new Promise((resolve) => setTimeout(resolve, 150));

    child.kill('SIGTERM');
    const response = await slow;

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ waited: 600 });
    const answeredAt = Date.now();
    expect(await exited).toBe(0);
    expect(Date.now() - answeredAt).toBeLessThan(4000);
    expect(output()).toContain('shutdown complete: database closed');
  });

  it('answers requests arriving while it drains with 503 problem and Connection: close, not refused', async () => {
    const { child, base, exited } = await start({ SHUTDOWN_TIMEOUT_MS: '8000' });
    const slow = fetch(`${base}/fixtures/wait?ms=1500`);
    await new Promise((resolve) => setTimeout(resolve, 200));

    child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const late = await fetch(`${base}/accounts/1`);
    const ready = await fetch(`${base}/readyz`);
    const finished = await slow;

    expect(late.status).toBe(503);
    expect(late.headers.get('connection')).toBe('close');
    expect(late.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await late.json()).toMatchObject({ code: 'UNAVAILABLE', detail: 'The server is shutting down' });
    expect(ready.status).toBe(503);
    expect(finished.status).toBe(200);
    expect(await exited).toBe(0);
  });

  it('closes connections still in flight after SHUTDOWN_TIMEOUT_MS, then exits', async () => {
    const { child, base, exited } = await start({ SHUTDOWN_TIMEOUT_MS: '200' });
    const stuck = fetch(`${base}/fixtures/wait?ms=20000`).then(
      (response) => response.status,
      () => 'connection closed',
    );
    await new Promise((resolve) => setTimeout(resolve, 150));
    const signalledAt = Date.now();

    child.kill('SIGTERM');

    expect(await exited).toBe(0);
    expect(Date.now() - signalledAt).toBeLessThan(3000);
    expect(await stuck).toBe('connection closed');
  });
});
