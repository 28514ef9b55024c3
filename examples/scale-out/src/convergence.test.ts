import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LocalNatsServer, startNatsServer } from '@slicewise/nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ExampleProcess,
  eventCount,
  inboundCounts,
  ndjsonLines,
  post,
  recount,
  sleep,
  usersEvents,
  waitFor,
  writerTokens,
} from './processes.test-util.js';

let nats: LocalNatsServer;
let dir: string;
const processes: ExampleProcess[] = [];

const servers: LocalNatsServer[] = [];
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'slicewise-scale-out-'));
});
afterAll(async () => {
  await Promise.all(processes.splice(0).map((process) => process.kill()));
  await Promise.all(servers.splice(0).map((server) => server.stop()));
  rmSync(dir, { recursive: true, force: true });
});

/**
 * Host A without NATS (the relay runs beside it, on its file), the relay, and host B, on a stream of its own; or,
 * with `relayInA`, host A relaying in its own process (the way the demo runs it).
 */
async function topology(stream: string, relayInA = false) {
  // A server of its own per test: two streams cannot both take `slicewise.>` on one server.
  nats = await startNatsServer();
  servers.push(nats);
  const natsEnv = { SLICEWISE_NATS_URL: nats.url, SLICEWISE_NATS_STREAM: stream };
  const aFile = join(dir, `${stream}-a.db`);
  const bFile = join(dir, `${stream}-b.db`);
  const publish = { SLICEWISE_DB: aFile, ...natsEnv, SLICEWISE_NATS_PUBLISH: '*' };
  const writable = { SLICEWISE_TOKENS: writerTokens };
  const a = new ExampleProcess('host-a', relayInA ? { ...publish, ...writable } : { SLICEWISE_DB: aFile, ...writable });
  const relay = new ExampleProcess('relay', publish);
  const b = new ExampleProcess('host-b', { SLICEWISE_DB: bFile, ...natsEnv, SLICEWISE_NATS_SUBSCRIBE: usersEvents });
  processes.push(a, relay, b);
  await a.start(); // first: it creates A's database and event log
  await Promise.all([relayInA ? undefined : relay.start(), b.start()]);
  return { a, relay, b, aFile, bFile };
}

/** Registers users `concurrency` at a time until `until()` holds or `max` were sent; returns the HTTP statuses. */
async function register(
  base: string,
  prefix: string,
  until: () => boolean,
  max: number,
  ids: number[] = [],
  concurrency = 8,
): Promise<number[]> {
  const statuses: number[] = [];
  let next = 0;
  const worker = async () => {
    while (next < max && !until()) {
      const i = next++;
      const response = await post(
        `${base}/users`,
        JSON.stringify({ name: `${prefix} ${i}`, email: `${prefix}-${i}@example.com` }),
      );
      statuses.push(response.status);
      const body = (await response.json()) as { id?: number };
      if (body.id !== undefined) ids.push(body.id);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return statuses;
}

/** Imports `count` users as NDJSON in batches of 100; the status and the last progress line (or error line). */
async function importUsers(base: string, prefix: string, count: number) {
  const body = Array.from({ length: count }, (_, i) =>
    JSON.stringify({ name: `${prefix} ${i}`, email: `${prefix}-import-${i}@example.com` }),
  ).join('\n');
  const response = await post(`${base}/users/import?batch=100`, body, true);
  const lines = await ndjsonLines(response);
  return { status: response.status, type: response.headers.get('content-type'), last: lines.at(-1) };
}

async function deactivate(base: string, ids: readonly number[]): Promise<number[]> {
  return Promise.all(
    ids.map(async (id) => {
      const response = await post(`${base}/users/${id}/deactivate`);
      await response.arrayBuffer();
      return response.status;
    }),
  );
}

const readiness = async (base: string) => (await fetch(`${base}/readyz`)).json();
const stats = async (base: string) => (await (await fetch(`${base}/user-stats`)).json()) as ReturnType<typeof recount>;

describe('scale-out: host A → relay → JetStream → host B', () => {
  it('converges exactly after kill -9 of host B, the relay and nats-server during a burst of writes', {
    timeout: 120_000,
  }, async () => {
    const { a, relay, b, aFile, bFile } = await topology('CONVERGE');
    let faultsDone = false;
    const deactivations: Promise<number[]>[] = [];
    const ids: number[] = [];
    const burst = register(a.url, 'burst', () => faultsDone, 5000, ids);
    const registeredAtLeast = (count: number) =>
      waitFor(
        async () => ids.length,
        (n) => n >= count,
        20_000,
      );
    await registeredAtLeast(40);
    await b.kill();
    deactivations.push(
      deactivate(
        a.url,
        Array.from({ length: 40 }, (_, i) => i + 1),
      ),
    );
    await sleep(500);
    await b.start();
    await relay.kill();
    const bulk = importUsers(a.url, 'bulk', 600); // committed while no relay runs
    await sleep(500);
    await relay.start();
    await nats.kill();
    deactivations.push(
      deactivate(
        a.url,
        Array.from({ length: 20 }, (_, i) => i + 41),
      ),
    ); // while the broker is down
    await sleep(1500);
    await nats.restart();
    await sleep(300);
    await b.kill(); // once more while the stream catches up
    await b.start();
    faultsDone = true;
    const registered = await burst;
    const deactivated = (await Promise.all(deactivations)).flat();
    const imported = await bulk;

    // A never failed a write because B, the relay or the broker was down.
    expect(registered.length).toBeGreaterThan(60);
    expect(registered.filter((status) => status !== 201)).toEqual([]);
    expect(deactivated.filter((status) => status !== 200)).toEqual([]);
    // The import answers NDJSON progress, one line per batch of 100; the last says done, with every row imported.
    expect(imported).toMatchObject({ status: 200, type: expect.stringMatching(/^application\/x-ndjson/) });
    expect(imported.last).toMatchObject({ done: true, read: 600, imported: 600, rejected: 0 });
    const expected = recount(aFile);
    expect(expected.total).toBe(registered.length + 600);
    expect(expected.active).toBe(expected.total - 60);
    // B's read model equals the recount: every event applied, none twice (its counts are sums).
    const converged = await waitFor(
      () => stats(b.url),
      (value) => JSON.stringify(value) === JSON.stringify(expected),
      60_000,
    );
    expect(converged).toEqual(expected);
    const events = eventCount(aFile);
    expect(inboundCounts(bFile)).toEqual({ events, distinct: events, inbox: events });
    // B's /readyz reports its log: every one of A's events appended, user-stats caught up to it.
    expect(await readiness(b.url)).toEqual({
      status: 'ready',
      events: { position: events, subscriptions: [expect.objectContaining({ position: events, lag: 0 })] },
    });
  });

  it('keeps accepting writes on A through a 30 s broker outage, then B converges', { timeout: 120_000 }, async () => {
    const { a, b, aFile } = await topology('PARTITION', true);
    const anonymous = await fetch(`${a.url}/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Nobody', email: 'nobody@example.com' }),
    });
    expect(anonymous.status).toBe(401); // writes need SLICEWISE_TOKENS' users:write token
    const before = await register(a.url, 'before', () => false, 50);
    await nats.kill();
    const outageEnds = Date.now() + 30_000;
    const latencies: number[] = [];
    const during: number[] = [];
    while (Date.now() < outageEnds) {
      const started = performance.now();
      during.push(...(await register(a.url, `during-${during.length}`, () => false, 1, [], 1)));
      latencies.push(performance.now() - started);
      await sleep(25);
    }
    expect((await stats(b.url)).total).toBeLessThan(50 + during.length); // B cannot have them yet
    await nats.restart();
    const after = await register(a.url, 'after', () => false, 50);

    expect([...before, ...during, ...after].filter((status) => status !== 201)).toEqual([]);
    latencies.sort((x, y) => x - y);
    const p99 = latencies[Math.floor(latencies.length * 0.99)] as number;
    console.log(`partition: ${during.length} writes on A in 30 s without the broker, p99 ${p99.toFixed(1)} ms`);
    expect(p99).toBeLessThan(1000); // a write never waits for the broker
    const expected = recount(aFile);
    expect(expected.total).toBe(100 + during.length);
    const converged = await waitFor(
      () => stats(b.url),
      (value) => JSON.stringify(value) === JSON.stringify(expected),
      45_000,
    );
    expect(converged).toEqual(expected);
  });
});
