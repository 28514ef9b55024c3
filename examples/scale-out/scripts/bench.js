// pnpm bench:scale-out — events/s through relay → JetStream → host B's projection, end-to-end lag at a steady
// 1,000 events/s, and the single-machine log's catch-up rate beside it. Everything on 127.0.0.1, bounded in time.
import 'reflect-metadata';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Database } from '@slicewise/db';
import { createHost } from '@slicewise/host';
import { startNatsBridge, startNatsServer } from '@slicewise/nats';
import { RegisterUser, registerUser } from '@slicewise/register-user';
import { userStats } from '@slicewise/user-stats';

const backlog = Number(process.env.BENCH_EVENTS ?? 10_000);
const steadyRate = 1000;
const steadySeconds = Number(process.env.BENCH_STEADY_SECONDS ?? 10);
const countUsers = '@slicewise/user-stats/count-users';
const writer = { caller: { id: 'bench', permissions: ['users:write'] } };
const events = '@slicewise/users/UserRegistered,@slicewise/users/UsersRegistered,@slicewise/users/UserDeactivated';
const progress = (step) => process.stderr.write(`bench: ${step}\n`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const dir = mkdtempSync(join(tmpdir(), 'slicewise-bench-scale-out-'));
const aFile = join(dir, 'a.db');
const bFile = join(dir, 'b.db');
let sent = 0;
const registerMany = (host, count) =>
  Promise.all(
    Array.from({ length: count }, () => {
      const i = sent++;
      return host.mediator.send(new RegisterUser({ name: `User ${i}`, email: `user-${i}@example.com` }), writer);
    }),
  );

// 1. The single-machine baseline: user-stats catching up on the backlog from the same SQLite file.
const seed = createHost({ slices: [registerUser], database: aFile, events: { drive: false } });
for (let done = 0; done < backlog; done += 500) await registerMany(seed, Math.min(500, backlog - done));
seed.close();
progress(`${backlog} events written`);
const local = createHost({ slices: [userStats], database: join(dir, 'a.db'), events: { drive: false } });
local.events.reset(countUsers, 0);
let started = performance.now();
while (local.events.catchUp(countUsers, 1000) > 0) {}
const localRate = backlog / ((performance.now() - started) / 1000);
local.db.execute('DELETE FROM _slicewise_subscriptions WHERE name = ?', [countUsers]); // host A does not count
local.close();
progress(`single-machine catch-up: ${Math.round(localRate)} events/s`);

// 2. Throughput: host A (this process) relays the backlog; host B (a child process) applies it.
const nats = await startNatsServer();
const natsEnv = { SLICEWISE_NATS_URL: nats.url, SLICEWISE_NATS_STREAM: 'BENCH' };
const hostB = spawn(process.execPath, [fileURLToPath(new URL('../bin/host-b.js', import.meta.url))], {
  env: {
    ...process.env,
    ...natsEnv,
    HOST: '127.0.0.1',
    PORT: '0',
    SLICEWISE_DB: bFile,
    SLICEWISE_NATS_SUBSCRIBE: events,
  },
  stdio: ['ignore', 'pipe', 'inherit'],
});
await new Promise((resolve) => hostB.stdout.on('data', (chunk) => String(chunk).includes(' on http') && resolve()));
progress('host B started');
const bDb = new Database(bFile, { readonly: true });
const bPosition = () =>
  bDb.prepare('SELECT position FROM _slicewise_subscriptions WHERE name = ?', true).get(countUsers) ?? 0;
const hostA = createHost({ slices: [registerUser], database: aFile });
started = performance.now();
const bridge = startNatsBridge(hostA, { url: nats.url, stream: 'BENCH', publish: '*' });
await bridge.ready;
progress('relay connected');
let relayedAt;
for (const until = Date.now() + 120_000; bPosition() < backlog && Date.now() < until; ) {
  if (relayedAt === undefined && bridge.relay.position >= hostA.events.position) relayedAt = performance.now();
  await sleep(5);
}
const throughputSeconds = (performance.now() - started) / 1000;
progress('backlog applied on B');
const relaySeconds = ((relayedAt ?? performance.now()) - started) / 1000;

// 3. Lag at a steady 1,000 events/s: each event's lag is from its commit on A to B's checkpoint passing it.
const lags = [];
let seen = bPosition();
const occurred = bDb.prepare('SELECT occurred_at FROM _slicewise_events WHERE position > ? AND position <= ?', true);
const observe = () => {
  const position = bPosition();
  if (position > seen) {
    const now = Date.now();
    for (const at of occurred.all(seen, position)) lags.push(now - at);
    seen = position;
  }
};
const poller = setInterval(observe, 5);
const target = backlog + steadyRate * steadySeconds;
const steadyStart = performance.now();
for (let tick = 1; tick <= steadySeconds * 100; tick++) {
  await registerMany(hostA, steadyRate / 100);
  const wait = steadyStart + tick * 10 - performance.now();
  if (wait > 0) await sleep(wait);
}
const achievedRate = (steadyRate * steadySeconds) / ((performance.now() - steadyStart) / 1000);
for (const until = Date.now() + 60_000; seen < target && Date.now() < until; ) await sleep(10);
clearInterval(poller);
observe();

lags.sort((x, y) => x - y);
const pct = (p) => lags[Math.min(lags.length - 1, Math.floor(lags.length * p))];
const results = {
  backlogEvents: backlog,
  relayToJetStreamPerSecond: Math.round(backlog / relaySeconds),
  endToEndPerSecond: Math.round(backlog / throughputSeconds),
  singleMachineCatchUpPerSecond: Math.round(localRate),
  steadyRateAchieved: Math.round(achievedRate),
  lagMs: { p50: pct(0.5), p99: pct(0.99), max: lags.at(-1), samples: lags.length },
};
console.log(`scale-out benchmark (${backlog} events backlog, then ${steadySeconds} s at ${steadyRate}/s)
  relay → JetStream                         ${results.relayToJetStreamPerSecond} events/s
  relay → JetStream → B's projection        ${results.endToEndPerSecond} events/s
  single-machine log catch-up (user-stats)  ${results.singleMachineCatchUpPerSecond} events/s
  steady rate achieved on A                 ${results.steadyRateAchieved} events/s
  end-to-end lag A commit → B projection    p50 ${results.lagMs.p50} ms, p99 ${results.lagMs.p99} ms, max ${results.lagMs.max} ms (${lags.length} events)`);
console.log(JSON.stringify(results));

bDb.close();
await bridge.stop();
hostA.close();
hostB.kill('SIGTERM');
await new Promise((resolve) => hostB.once('exit', resolve));
await nats.stop();
rmSync(dir, { recursive: true, force: true });
