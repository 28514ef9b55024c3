/**
 * `pnpm bench:api`: seeds a 10,000-user database file; then, each round, starts every server as its own process on
 * that file and loads each route on each server in turn (order alternating by round) with autocannon in another
 * process. Prints a Markdown table: medians over the rounds, and each ratio as the median of per-round ratios.
 *
 * Each round measures each route on each server twice, in the order A B C C B A, so drift within the round cancels.
 *
 * Settings (environment): BENCH_ROUNDS (5), BENCH_DURATION seconds per measurement (4), BENCH_CONNECTIONS
 * (32), BENCH_WARMUP seconds before each measurement (1).
 */
import 'reflect-metadata';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHost } from '@slicewise/host';
import { users } from '@slicewise/users';

const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
const duration = Number(process.env.BENCH_DURATION ?? 4);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 32);
const warmup = Number(process.env.BENCH_WARMUP ?? 1);

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));
const servers = [
  { name: 'Slicewise API', key: 'slicewise', entry: here('./slicewise-server.js') },
  { name: 'Fastify + better-sqlite3 (hand-written)', key: 'fastify', entry: here('./fastify-server.js') },
  { name: 'NestJS + @nestjs/cqrs (Fastify adapter)', key: 'nest', entry: here('./nest-server.js') },
] as const;
const routes = [
  { name: 'GET /users?active=true&limit=50', key: 'list' },
  { name: 'GET /users/:id', key: 'get' },
] as const;
/** BENCH_SERVERS=slicewise,fastify and BENCH_ROUTES=get narrow a run (for profiling); the table needs all three. */
const chosen = (list: string | undefined, key: string) => !list || list.split(',').includes(key);
const runServers = servers.filter((server) => chosen(process.env.BENCH_SERVERS, server.key));
const runRoutes = routes.filter((route) => chosen(process.env.BENCH_ROUTES, route.key));

interface Measure {
  /** Server CPU time (user + system) per request, in microseconds: steadier than req/s on a shared machine. */
  cpuMicros: number;
  total: number;
  requestsPerSecond: number;
  p99: number;
  p50: number;
  non2xx: number;
  errors: number;
  timeouts: number;
}

function seed(file: string): void {
  const host = createHost({ slices: [users], database: file });
  const insert = host.db.raw.prepare('INSERT INTO users (id, name, email, active) VALUES (?, ?, ?, ?)');
  host.db.raw.transaction(() => {
    for (let id = 1; id <= 10_000; id++) insert.run(id, `User ${id}`, `user${id}@example.com`, id % 5 === 0 ? 0 : 1);
  })();
  host.close();
}

function startServer(entry: string, database: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [entry], {
    env: { ...process.env, SLICEWISE_DB: database, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk;
      const match = /(http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match?.[1]) resolve({ child, url: match[1] });
    });
    child.on('exit', (code) => reject(new Error(`${entry} exited with ${code}: ${output}`)));
  });
}

/** CPU time a process has used, in microseconds (Linux: /proc; elsewhere NaN). Clock ticks are 100 Hz. */
function cpuTime(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) * 10_000;
  } catch {
    return Number.NaN;
  }
}

function load(server: ChildProcess, url: string, route: string, seconds: number): Measure {
  const before = cpuTime(server.pid);
  const out = execFileSync(process.execPath, [here('./load.js'), url, route, String(connections), String(seconds)], {
    encoding: 'utf8',
  });
  const measure = JSON.parse(out.trim().split('\n').pop() as string) as Omit<Measure, 'cpuMicros'>;
  return { ...measure, cpuMicros: (cpuTime(server.pid) - before) / measure.total };
}

/** One server's two measurements of a round as one: rates and percentiles averaged, counts and CPU summed. */
function combine(a: Measure, b: Measure): Measure {
  const total = a.total + b.total;
  return {
    total,
    cpuMicros: (a.cpuMicros * a.total + b.cpuMicros * b.total) / total,
    requestsPerSecond: (a.requestsPerSecond + b.requestsPerSecond) / 2,
    p99: (a.p99 + b.p99) / 2,
    p50: (a.p50 + b.p50) / 2,
    non2xx: a.non2xx + b.non2xx,
    errors: a.errors + b.errors,
    timeouts: a.timeouts + b.timeouts,
  };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};

/** Rounds every ratio to two decimals, and a time to a tenth of a millisecond. */
const ratio = (value: number) => `${value.toFixed(2)}×`;
const ms = (value: number) => (Math.round(value * 10) / 10).toString();

/** Median over the rounds of `of(server) ÷ of(baseline)`, each pair measured minutes apart at most. */
function medianRatio(server: Measure[], baseline: Measure[], of: (measure: Measure) => number, invert = false): number {
  const ratios = server.map((measure, i) => {
    const base = baseline[i];
    if (!base) return Number.NaN;
    return invert ? of(base) / of(measure) : of(measure) / of(base);
  });
  return median(ratios);
}

async function main(): Promise<void> {
  const loadBefore = loadavg()[0]?.toFixed(1);
  const dir = mkdtempSync(join(tmpdir(), 'slicewise-bench-'));
  const database = join(dir, 'bench.db');
  seed(database);
  const results = new Map<string, Measure[]>();
  try {
    for (let round = 1; round <= rounds; round++) {
      // Every server of the round is up (idle ones cost nothing), so the measurements of one route follow each
      // other closely: the machine's drift between rounds then cancels out of each round's ratios.
      const started = [];
      for (const server of runServers) started.push({ server, ...(await startServer(server.entry, database)) });
      try {
        for (const { server, url } of started) {
          const check = await fetch(`${url}/users/1`);
          if (check.status !== 200) throw new Error(`${server.name} answered ${check.status} for /users/1`);
        }
        for (const route of runRoutes) {
          // A B C C B A: a drift of the machine within the round weighs on every server alike.
          const order = round % 2 ? started : [...started].reverse();
          const halves = new Map<string, Measure>();
          for (const { server, child, url } of [...order, ...[...order].reverse()]) {
            if (warmup > 0) load(child, url, route.key, warmup);
            const measure = load(child, url, route.key, duration);
            const first = halves.get(server.name);
            if (!first) {
              halves.set(server.name, measure);
              continue;
            }
            const both = combine(first, measure);
            const key = `${server.name}|${route.name}`;
            results.set(key, [...(results.get(key) ?? []), both]);
            process.stderr.write(
              `round ${round} ${server.name} ${route.name}: ${Math.round(both.requestsPerSecond)} req/s, p99 ${ms(both.p99)} ms, ` +
                `${Math.round(both.cpuMicros)} µs CPU/request` +
                `${both.non2xx + both.errors + both.timeouts > 0 ? ` (${both.non2xx} non-2xx, ${both.errors} errors)` : ''}\n`,
            );
          }
        }
      } finally {
        for (const { child } of started) {
          child.kill('SIGTERM');
          await new Promise((resolve) => child.once('exit', resolve));
        }
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const lines = [
    `Machine: ${cpus().length} × ${cpus()[0]?.model.trim()}, Node ${process.version}, ${process.platform}/${process.arch}; ` +
      `1-minute load average ${loadBefore} before, ${loadavg()[0]?.toFixed(1)} after.`,
    `autocannon: ${connections} connections, ${rounds} rounds, each route measured twice per server and round (A B C C B A) for ${duration} s after ${warmup} s warm-up, each server and the load generator in its own process, 10,000 users.`,
    "Absolute figures are medians over the rounds; ratios are the median of each round's ratio to the hand-written server measured beside it.",
    '',
    '| route | server | req/s | p50 ms | p99 ms | CPU µs/req | req/s vs hand-written | p99 vs hand-written | CPU/req: hand-written ÷ this |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  const of = (server: (typeof servers)[number], route: (typeof routes)[number]) =>
    results.get(`${server.name}|${route.name}`) ?? [];
  for (const route of routes) {
    const baseline = of(servers[1], route);
    for (const server of servers) {
      const measures = of(server, route);
      const absolute = (pick: (measure: Measure) => number) => median(measures.map(pick));
      lines.push(
        `| ${route.name} | ${server.name} | ${Math.round(absolute((m) => m.requestsPerSecond))} | ` +
          `${ms(absolute((m) => m.p50))} | ${ms(absolute((m) => m.p99))} | ${Math.round(absolute((m) => m.cpuMicros))} | ` +
          `${ratio(medianRatio(measures, baseline, (m) => m.requestsPerSecond))} | ` +
          `${ratio(medianRatio(measures, baseline, (m) => m.p99))} | ` +
          `${ratio(medianRatio(measures, baseline, (m) => m.cpuMicros, true))} |`,
      );
    }
  }
  const slicewiseVsNest = routes.map((route) => {
    const slicewise = of(servers[0], route);
    const nest = of(servers[2], route);
    return (
      `${route.name}: Slicewise ${ratio(medianRatio(slicewise, nest, (m) => m.requestsPerSecond))} NestJS in req/s, ` +
      `${ratio(medianRatio(slicewise, nest, (m) => m.cpuMicros, true))} in CPU per request`
    );
  });
  lines.push('', ...slicewiseVsNest);
  const table = lines.join('\n');
  process.stdout.write(`\n${table}\n`);
  if (process.env.BENCH_OUT) writeFileSync(process.env.BENCH_OUT, `${table}\n`);
}

await main();
