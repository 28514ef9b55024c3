/**
 * `pnpm bench:api`: seeds a 10,000-user database file and starts every server as its own process on it. Then, per
 * route, it warms each server up and runs many short rounds: in each, every server in turn (the order rotating
 * from round to round) takes the same autocannon load from another process. This VM's speed drifts by up to 1.5×
 * within minutes; rounds a few seconds long let each round's ratios compare servers measured under the same drift.
 * The write route (`POST /users`) runs the same way on servers started for it, each on a fresh database of its own.
 * Then, once, a probe reads while a 200,000-row HTTP import runs on the API (issue #12).
 * Prints Markdown tables: medians over the rounds, and each ratio as the median of the per-round ratios.
 *
 * Settings (environment, see settings.ts): BENCH_ROUNDS (12), BENCH_DURATION seconds per measurement (2),
 * BENCH_CONNECTIONS (32), BENCH_WARMUP seconds per server and route (3), BENCH_IMPORT_ROWS (200000),
 * BENCH_IMPORT_BATCH (the slice's), BENCH_IMPORT_WARMUP_ROWS (5000), BENCH_PROBE_INTERVAL_MS (10), BENCH_SERVERS,
 * BENCH_ROUTES, BENCH_OUT.
 */
import 'reflect-metadata';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { type ClientRequest, get } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { prepareDatabase } from './database.js';
import { type ImportProbeResult, runImportProbe, warmUpImport } from './import-probe.js';
import { canPin, here, load, loadCpu, type Measure, serverCpu, startServer, stopServer } from './processes.js';
import { importTable, medianRatio, type NamedRoute, readGoals, routeTable, writeGoals } from './report.js';
import {
  chosen,
  connections,
  duration,
  importBatch,
  importRows,
  importWarmupRows,
  probeIntervalMs,
  rounds,
  warmup,
} from './settings.js';
import { ms, ratio } from './stats.js';

const servers = [
  { name: 'Slicewise API', key: 'slicewise', entry: here('./slicewise-server.js') },
  { name: 'Fastify + better-sqlite3 (hand-written)', key: 'fastify', entry: here('./fastify-server.js') },
  { name: 'NestJS + @nestjs/cqrs (Fastify adapter)', key: 'nest', entry: here('./nest-server.js') },
] as const;
type Server = (typeof servers)[number];
const [slicewise, handWritten, nest] = servers;

interface Route extends NamedRoute {
  /** Whether it writes: then its servers are started for it, each on a fresh database. */
  readonly writes: boolean;
}
const routes: readonly Route[] = [
  { name: 'GET /users?active=true&limit=50', key: 'list', servers: ['slicewise', 'fastify', 'nest'], writes: false },
  { name: 'GET /users/:id', key: 'get', servers: ['slicewise', 'fastify', 'nest'], writes: false },
  { name: 'POST /users (201, + user-stats)', key: 'register', servers: ['slicewise', 'fastify'], writes: true },
];
const runServers = servers.filter((server) => chosen(process.env.BENCH_SERVERS, server.key));
const runRoutes = routes.filter((route) => chosen(process.env.BENCH_ROUTES, route.key));
const runImport = chosen(process.env.BENCH_ROUTES, 'import') && runServers.includes(slicewise);

/** A throwaway bearer token for the write routes: Slicewise reads it from SLICEWISE_TOKENS, the baseline from BENCH_TOKEN. */
const token = randomBytes(24).toString('base64url');
const tokenEnv = {
  SLICEWISE_TOKENS: JSON.stringify({ [token]: { id: 'bench', permissions: ['users:write'] } }),
  BENCH_TOKEN: token,
};

interface Started {
  server: Server;
  child: ChildProcess;
  url: string;
}

const results = new Map<string, Measure[]>();
/** Load runs per server and route so far: each run's emails carry its number, so none repeats within a server. */
const loadRuns = new Map<string, number>();

function measure({ server, child, url }: Started, route: Route, seconds: number): Measure {
  const runKey = `${server.key}|${route.key}`;
  const run = (loadRuns.get(runKey) ?? 0) + 1;
  loadRuns.set(runKey, run);
  const write = route.writes ? { token, tag: `r${run}` } : undefined;
  return load(child, url, route.key, connections, seconds, write);
}

async function measureRoute(route: Route, started: readonly Started[]): Promise<void> {
  const onRoute = started.filter(({ server }) => route.servers.includes(server.key));
  for (const one of onRoute) if (warmup > 0) measure(one, route, warmup);
  for (let round = 1; round <= rounds; round++) {
    const shift = round % onRoute.length;
    const rotated = [...onRoute.slice(shift), ...onRoute.slice(0, shift)];
    for (const one of round % 2 ? rotated : rotated.reverse()) {
      const measured = measure(one, route, duration);
      const key = `${one.server.name}|${route.name}`;
      results.set(key, [...(results.get(key) ?? []), measured]);
      process.stderr.write(
        `round ${round} ${one.server.name} ${route.name}: ${Math.round(measured.requestsPerSecond)} req/s, p99 ${ms(measured.p99)} ms, ` +
          `${Math.round(measured.cpuMicros)} µs CPU/request` +
          `${measured.non2xx + measured.errors + measured.timeouts > 0 ? ` (${measured.non2xx} non-2xx, ${measured.errors} errors)` : ''}\n`,
      );
    }
  }
}

/** GETs `url` as JSON on a connection of its own (a pooled one may have been closed by the server's keep-alive timeout). */
function getJson(url: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    get(url, { agent: false, timeout: 10_000 }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        text += chunk;
      });
      response.on('end', () => {
        try {
          resolve(JSON.parse(text));
        } catch (error) {
          reject(error);
        }
      });
    })
      .on('timeout', function (this: ClientRequest) {
        this.destroy(new Error('timed out'));
      })
      .on('error', reject);
  });
}

/** The user-stats subscription's lag as `/readyz` reports it (a failure to ask is reported, not thrown). */
async function statsLag(url: string): Promise<string> {
  try {
    const ready = (await getJson(`${url}/readyz`)) as {
      events?: { position: number; subscriptions: { name: string; lag: number; parked: number }[] };
    };
    const subscription = ready.events?.subscriptions.find(({ name }) => name.startsWith('@slicewise/user-stats/'));
    if (!subscription) return 'no user-stats subscription reported';
    return `log position ${ready.events?.position}, lag ${subscription.lag} events, ${subscription.parked} parked`;
  } catch (error) {
    return `not known (/readyz failed: ${(error as Error).message})`;
  }
}

async function startAll(list: readonly Server[], database: (server: Server) => string, env = {}): Promise<Started[]> {
  const started: Started[] = [];
  for (const server of list) {
    started.push({ server, ...(await startServer(server.entry, database(server), { ...tokenEnv, ...env })) });
  }
  for (const { server, url } of started) {
    const check = await fetch(`${url}/users/1`);
    if (check.status !== 200) throw new Error(`${server.name} answered ${check.status} for /users/1`);
  }
  return started;
}

async function main(): Promise<void> {
  const loadBefore = loadavg()[0]?.toFixed(1);
  const dir = mkdtempSync(join(tmpdir(), 'slicewise-bench-'));
  const fresh = (name: string) => {
    const file = join(dir, `${name}.db`);
    prepareDatabase(file);
    return file;
  };
  const running: Started[] = [];
  const stopAll = async (list: readonly Started[]) => {
    for (const one of list) {
      await stopServer(one.child);
      running.splice(running.indexOf(one), 1);
    }
  };
  let writeLag = '';
  let imported: { result: ImportProbeResult; lag: string } | undefined;
  try {
    const readRoutes = runRoutes.filter((route) => !route.writes);
    if (readRoutes.length > 0) {
      const shared = fresh('read');
      const started = await startAll(runServers, () => shared);
      running.push(...started);
      for (const route of readRoutes) await measureRoute(route, started);
      await stopAll(started);
    }
    for (const route of runRoutes.filter((candidate) => candidate.writes)) {
      const onRoute = runServers.filter((server) => route.servers.includes(server.key));
      const started = await startAll(onRoute, (server) => fresh(`${route.key}-${server.key}`));
      running.push(...started);
      await measureRoute(route, started);
      const slicewiseWriter = started.find(({ server }) => server === slicewise);
      if (slicewiseWriter) writeLag = await statsLag(slicewiseWriter.url);
      await stopAll(started);
    }
    if (runImport) {
      const limits = { REQUEST_TIMEOUT_MS: '3600000', RECEIVE_TIMEOUT_MS: '0', CONNECTION_TIMEOUT_MS: '0' };
      const [api] = await startAll([slicewise], () => fresh('import'), limits);
      if (!api) throw new Error('the import server did not start');
      running.push(api);
      // Warm up the reads the probe sends and the import path, so the probe measures the import rather than a cold start.
      if (warmup > 0) {
        load(api.child, api.url, 'get', connections, warmup);
        if (importWarmupRows > 0) await warmUpImport({ url: api.url, token, rows: importWarmupRows });
      }
      process.stderr.write(`import of ${importRows} rows with a probe every ${probeIntervalMs} ms...\n`);
      const result = await runImportProbe({
        url: api.url,
        token,
        rows: importRows,
        batch: importBatch,
        intervalMs: probeIntervalMs,
      });
      imported = { result, lag: await statsLag(api.url) };
      process.stderr.write(
        `import: ${result.imported} rows in ${result.seconds.toFixed(1)} s; probe p99 ${ms(result.probe.p99)} ms\n`,
      );
      await stopAll([api]);
    }
  } finally {
    for (const { child } of running) await stopServer(child);
    rmSync(dir, { recursive: true, force: true });
  }
  printReport(loadBefore, writeLag, imported);
}

function printReport(
  loadBefore: string | undefined,
  writeLag: string,
  imported: { result: ImportProbeResult; lag: string } | undefined,
): void {
  const of = (server: { name: string }, route: { name: string }) => results.get(`${server.name}|${route.name}`) ?? [];
  const lines = [
    `Machine: ${cpus().length} × ${cpus()[0]?.model.trim()}, Node ${process.version}, ${process.platform}/${process.arch}; ` +
      `1-minute load average ${loadBefore} before, ${loadavg()[0]?.toFixed(1)} after.`,
    `autocannon: ${connections} connections; ${canPin ? `servers pinned to CPU ${serverCpu}, load generator to CPU ${loadCpu} (taskset)` : 'no CPU pinning'}; per route, ${warmup} s warm-up per server, then ${rounds} rounds of ${duration} s per server (order rotating); each server and the load generator in its own process; 10,000 users.`,
    "POST /users: each server on a fresh database of its own (10,000 users, user-stats tables), a new email per request; Slicewise appends UserRegistered and user-stats counts it from the event log in-process, the hand-written server updates the stats tables in the insert's transaction.",
    "Absolute figures are medians over the rounds; ratios are the median of each round's ratio to the hand-written server measured beside it.",
    '',
    ...routeTable(runRoutes, servers, handWritten, of),
    '',
  ];
  for (const route of runRoutes.filter((candidate) => candidate.servers.includes('nest'))) {
    lines.push(
      `${route.name}: Slicewise ${ratio(medianRatio(of(slicewise, route), of(nest, route), (m) => m.requestsPerSecond))} NestJS in req/s, ` +
        `${ratio(medianRatio(of(slicewise, route), of(nest, route), (m) => m.cpuMicros, true))} in CPU per request`,
    );
  }
  lines.push('');
  for (const route of runRoutes.filter((candidate) => candidate.key !== 'register')) {
    lines.push(...readGoals(route.name, of(slicewise, route), of(handWritten, route), of(nest, route)));
  }
  const register = runRoutes.find((route) => route.key === 'register');
  if (register) {
    lines.push('', ...writeGoals(of(slicewise, register), of(handWritten, register)));
    if (writeLag) lines.push(`- user-stats after the POST /users rounds (from /readyz): ${writeLag}.`);
  }
  if (imported) {
    lines.push(
      '',
      `Import probe: ${imported.result.rows} NDJSON rows streamed to POST /users/import (one request, ${importBatch || "the slice's default"} rows per batch) ` +
        `on a fresh database, after ${warmup > 0 && importWarmupRows > 0 ? `a warm-up import of ${importWarmupRows} other rows` : 'no warm-up import'}; meanwhile a probe process sends GET /users/{id} every ${probeIntervalMs} ms (open loop: it does not wait for answers). Run once.`,
      '',
      ...importTable(imported.result, probeIntervalMs, imported.lag),
    );
  }
  const table = lines.join('\n');
  process.stdout.write(`\n${table}\n`);
  if (process.env.BENCH_OUT) writeFileSync(process.env.BENCH_OUT, `${table}\n`);
}

await main();
