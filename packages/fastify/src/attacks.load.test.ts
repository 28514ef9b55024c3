/**
 * The three attacks of issue #12 on the built API as a child process, scaled down to run in seconds on 2 shared
 * cores: clients that pipeline and never read, bodies that stall, many idle connections. Each asserts the
 * server's peak RSS, a well-behaved probe's p99 during the attack, and that the server still answers after.
 */
import { connect, type Socket } from 'node:net';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { type ApiProcess, pause, settled, startApiProcess, startProbe, watchRss } from './test-fixtures/api-process.js';

/** The bound on the server's resident memory during every attack, in MiB. */
const rssBoundMiB = 256;
/** The bound on a probe's p99 latency during every attack, in ms. */
const probeP99BoundMs = 100;

let api: ApiProcess | undefined;
const sockets: Socket[] = [];
const probes: { kill(): void }[] = [];

afterEach(async () => {
  for (const probe of probes.splice(0)) probe.kill();
  for (const socket of sockets.splice(0)) socket.destroy();
  await api?.stop();
  api = undefined;
});

/** Inserts `count` users, so that `GET /users?limit=500` answers about 60 KB. */
function seedUsers(database: string, count: number): void {
  const db = new BetterSqlite3(database);
  try {
    const insert = db.prepare('INSERT INTO users (name, email, active) VALUES (?, ?, 1)');
    db.transaction(() => {
      for (let index = 0; index < count; index += 1) insert.run(`User number ${index}`, `user${index}@example.com`);
    })();
  } finally {
    db.close();
  }
}

/** Opens a connection that never reads what it is sent, and writes `text` on it. */
function unreadConnection(port: number, text: string): Socket {
  const socket = connection(port, text);
  socket.pause();
  return socket;
}

/** Opens a connection that writes `text`, then nothing more (it reads and drops what it is sent). */
function connection(port: number, text: string): Socket {
  const socket = connect(port, '127.0.0.1');
  socket.resume();
  socket.on('error', () => undefined);
  if (text) socket.write(text);
  sockets.push(socket);
  return socket;
}

/** Resolves with how many of `list` the server has closed, once all are or after `withinMs`. */
async function closedWithin(list: readonly Socket[], withinMs: number): Promise<number> {
  const closed = () => list.filter((socket) => socket.readableEnded || socket.closed).length;
  const until = Date.now() + withinMs;
  while (closed() < list.length && Date.now() < until) await pause(100);
  return closed();
}

async function expectAlive(base: string): Promise<void> {
  const response = await fetch(`${base}/healthz`);
  expect(response.status).toBe(200);
}

describe('attacks from anonymous clients', () => {
  it('holds a bounded write buffer for 20 connections pipelining 300 large GETs each and never reading', async () => {
    api = await startApiProcess({ MAX_PIPELINED_REQUESTS: '1000' });
    const pid = api.child.pid as number;
    seedUsers(api.database, 500);
    const rss = watchRss(pid);
    const pipelined = 'GET /users?limit=500 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'.repeat(300);

    for (let index = 0; index < 20; index += 1) unreadConnection(api.port, pipelined);
    // The kernel takes about 4 MB per connection (socket buffers) before a write stays pending: the server
    // serves that much, then stops serving clients that do not read.
    const stopped = await settled(pid, 30_000);
    const probe = await startProbe(api.base, '/users/1', 3_000);
    probes.push(probe);
    const seen = await probe.result;
    const peak = rss.stop();

    // 20 × 300 answers of ~60 KB = ~360 MB if the server produced and buffered them all.
    expect(stopped, 'the server stopped serving the clients that do not read').toBe(true);
    expect(peak, `peak RSS ${peak.toFixed(0)} MiB`).toBeLessThan(rssBoundMiB);
    expect(seen.errors).toEqual([]);
    expect(seen.p99, `probe p99 over ${seen.latencies.length} requests`).toBeLessThan(probeP99BoundMs);
    expect(sockets.filter((socket) => !socket.destroyed)).toHaveLength(20); // held open, not dropped
    await expectAlive(api.base);
  }, 60_000);

  it('closes 500 connections whose POST bodies stall, anonymous or with a bad token', async () => {
    api = await startApiProcess({ BODY_IDLE_TIMEOUT_MS: '1000' });
    const probe = await startProbe(api.base, '/users?limit=5', 5_000);
    probes.push(probe);
    const rss = watchRss(api.child.pid as number);
    const head = (authorization: string) =>
      `POST /accounts HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n${authorization}Content-Length: 1000\r\n\r\n{"handle":`;

    const anonymous = Array.from({ length: 300 }, () => connection(api?.port ?? 0, head('')));
    const badToken = Array.from({ length: 200 }, () =>
      connection(api?.port ?? 0, head('Authorization: Bearer not-a-known-token-at-all\r\n')),
    );
    const closed = await closedWithin([...anonymous, ...badToken], 6_000);
    const seen = await probe.result;
    const peak = rss.stop();

    expect(closed, 'connections the server closed').toBe(500);
    expect(peak, `peak RSS ${peak.toFixed(0)} MiB`).toBeLessThan(rssBoundMiB);
    expect(seen.errors).toEqual([]);
    expect(seen.p99, `probe p99 over ${seen.latencies.length} requests`).toBeLessThan(probeP99BoundMs);
    await expectAlive(api.base);
  }, 60_000);

  it('refuses 800 idle connections past MAX_CONNECTIONS at once and closes the others after HEADERS_TIMEOUT_MS', async () => {
    api = await startApiProcess({ MAX_CONNECTIONS: '300', HEADERS_TIMEOUT_MS: '3000' });
    const probe = await startProbe(api.base, '/users?limit=5', 8_000);
    probes.push(probe);
    const rss = watchRss(api.child.pid as number);

    const silent = Array.from({ length: 400 }, () => connection(api?.port ?? 0, ''));
    const partial = Array.from({ length: 400 }, () =>
      connection(api?.port ?? 0, 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: '),
    );
    const refusedAtOnce = await closedWithin([...silent, ...partial], 2_000);
    const closed = await closedWithin([...silent, ...partial], 6_000);
    const seen = await probe.result;
    const peak = rss.stop();

    // The probe's connection is one of the 300 allowed; the others wait for the headers timeout (3 s).
    expect(refusedAtOnce, 'connections closed in the first 2 s').toBeGreaterThanOrEqual(500);
    expect(refusedAtOnce, 'connections closed in the first 2 s').toBeLessThan(800);
    expect(closed, 'connections the server closed').toBe(800);
    expect(peak, `peak RSS ${peak.toFixed(0)} MiB`).toBeLessThan(rssBoundMiB);
    expect(seen.errors).toEqual([]);
    expect(seen.p99, `probe p99 over ${seen.latencies.length} requests`).toBeLessThan(probeP99BoundMs);
    await expectAlive(api.base);
  }, 60_000);
});
