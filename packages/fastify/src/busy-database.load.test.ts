/**
 * Another process holding the database's write lock: the API's event loop keeps serving reads (SQLite's own busy
 * wait is short and the retry is asynchronous), the write succeeds once the lock is released, and a lock that
 * outlasts the request's deadline answers 503 with Retry-After.
 */
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { type ApiProcess, pause, startApiProcess, startProbe } from './test-fixtures/api-process.js';

const token = 'busy-test-token-0123456789';
let api: ApiProcess | undefined;
let holder: BetterSqlite3.Database | undefined;
const probes: { kill(): void }[] = [];

afterEach(async () => {
  for (const probe of probes.splice(0)) probe.kill();
  if (holder?.inTransaction) holder.exec('ROLLBACK');
  holder?.close();
  holder = undefined;
  await api?.stop();
  api = undefined;
});

async function start(env: Record<string, string> = {}): Promise<ApiProcess> {
  api = await startApiProcess({
    SLICEWISE_TOKENS: JSON.stringify({ [token]: { id: 'wanda', permissions: ['accounts:write'] } }),
    ...env,
  });
  return api;
}

/** Another process's connection, holding the write lock until it commits or rolls back. */
function holdWriteLock(database: string): BetterSqlite3.Database {
  holder = new BetterSqlite3(database);
  holder.exec('BEGIN IMMEDIATE');
  holder.prepare("INSERT INTO accounts (handle, email) VALUES ('holder', 'holder@example.com')").run();
  return holder;
}

const createAccount = (base: string, handle: string) =>
  fetch(`${base}/accounts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ handle, email: `${handle}@example.com` }),
  });

describe('a database locked by another process', () => {
  it('keeps reads fast while a write waits for the lock, then commits the write', async () => {
    const { base, database } = await start();
    const lock = holdWriteLock(database);
    const probe = await startProbe(base, '/accounts', 1_500);
    probes.push(probe);

    const write = createAccount(base, 'waiter');
    const seen = await probe.result;
    lock.exec('COMMIT');
    const response = await write;

    expect(seen.errors).toEqual([]);
    expect(seen.p99, `probe p99 over ${seen.latencies.length} reads while the write waited`).toBeLessThan(100);
    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({ handle: 'waiter' });
  }, 30_000);

  it('answers 503 problem with Retry-After when the lock outlasts the deadline', async () => {
    const { base, database } = await start({ REQUEST_TIMEOUT_MS: '800' });
    holdWriteLock(database);

    const startedAt = Date.now();
    const response = await createAccount(base, 'too_late');
    await pause(0);

    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('1');
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await response.json()).toMatchObject({ code: 'UNAVAILABLE', detail: 'The database is busy; retry shortly' });
    expect(Date.now() - startedAt).toBeLessThan(3_000);
  }, 30_000);
});
