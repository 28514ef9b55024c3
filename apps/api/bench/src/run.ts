/**
 * `pnpm bench:api`: seeds a 10,000-user database file and starts every server as its own process on it. Then, per
 * route, it warms each server up and runs many short rounds: in each, every server in turn (the order rotating
 * from round to round) takes the same autocannon load from another process. This VM's speed drifts by up to 1.5×
 * within minutes; rounds a few seconds long let each round's ratios compare servers measured under the same drift.
 * Prints a Markdown table: medians over the rounds, and each ratio as the median of the per-round ratios.
 *
 * Settings (environment): BENCH_ROUNDS (12), BENCH_DURATION seconds per measurement (2), BENCH_CONNECTIONS
 * (32), BENCH_WARMUP seconds per server and route (3).
 */
import 'reflect-metadata';
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHost } from '@slicewise/host';
import { users } from '@slicewise/users';

/** A whole-number setting from the environment, at least `min`; anything else stops the run with its name. */
function setting(name: string, fallback: number, min: number): number {
  const text = process.env[name];
  const value = text === undefined || text === '' ? fallback : Number(text);
  if (!Number.isInteger(value) || value < min) {
    process.stderr.write(`${name} must be a whole number of at least ${min}, not ${JSON.stringify(text)}\n`);
    process.exit(2);
  }
  return value;
}

const rounds = setting('BENCH_ROUNDS', 12, 1);
const duration = setting('BENCH_DURATION', 2, 1);
const connections = setting('BENCH_CONNECTIONS', 32, 1);
const warmup = setting('BENCH_WARMUP', 3, 0);

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

/**
 * On Linux with `taskset` and at least two CPUs, servers run on one CPU and the load generator on another, so
 * they never share a core or migrate between cores mid-measurement (the largest source of noise on this VM).
 */
const canPin =
  process.platform === 'linux' && cpus().length >= 2 && spawnSync('taskset', ['-V'], { stdio: 'ignore' }).status === 0;
const serverCpu = cpus().length - 1;
const loadCpu = 0;
function pinned(cpu: number, args: string[]): [string, string[]] {
  return canPin ? ['taskset', ['-c', String(cpu), process.execPath, ...args]] : [process.execPath, args];
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
  const [command, args] = pinned(serverCpu, [entry]);
  const child = spawn(command, args, {
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
  const [command, args] = pinned(loadCpu, [here('./load.js'), url, route, String(connections), String(seconds)]);
  const out = execFileSync(command, args, {
    encoding: 'utf8',
  });
  const measure = JSON.parse(out.trim().split('\n').pop() as string) as Omit<Measure, 'cpuMicros'>;
  return { ...measure, cpuMicros: (cpuTime(server.pid) - before) / measure.total };
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
  const started: { server: (typeof servers)[number]; child: ChildProcess; url: string }[] = [];
  try {
    for (const server of runServers) started.push({ server, ...(await startServer(server.entry, database)) });
    for (const { server, url } of started) {
      const check = await fetch(`${url}/users/1`);
      if (check.status !== 200) throw new Error(`${server.name} answered ${check.status} for /users/1`);
    }
    for (const route of runRoutes) {
      for (const { child, url } of started) if (warmup > 0) load(child, url, route.key, warmup);
      for (let round = 1; round <= rounds; round++) {
        const shift = round % started.length;
        const rotated = [...started.slice(shift), ...started.slice(0, shift)];
        for (const { server, child, url } of round % 2 ? rotated : rotated.reverse()) {
          const measure = load(child, url, route.key, duration);
          const key = `${server.name}|${route.name}`;
          results.set(key, [...(results.get(key) ?? []), measure]);
          process.stderr.write(
            `round ${round} ${server.name} ${route.name}: ${Math.round(measure.requestsPerSecond)} req/s, p99 ${ms(measure.p99)} ms, ` +
              `${Math.round(measure.cpuMicros)} µs CPU/request` +
              `${measure.non2xx + measure.errors + measure.timeouts > 0 ? ` (${measure.non2xx} non-2xx, ${measure.errors} errors)` : ''}\n`,
          );
        }
      }
    }
  } finally {
    for (const { child } of started) {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
    rmSync(dir, { recursive: true, force: true });
  }

  const lines = [
    `Machine: ${cpus().length} × ${cpus()[0]?.model.trim()}, Node ${process.version}, ${process.platform}/${process.arch}; ` +
      `1-minute load average ${loadBefore} before, ${loadavg()[0]?.toFixed(1)} after.`,
    `autocannon: ${connections} connections; ${canPin ? `servers pinned to CPU ${serverCpu}, load generator to CPU ${loadCpu} (taskset)` : 'no CPU pinning'}; per route, ${warmup} s warm-up per server, then ${rounds} rounds of ${duration} s per server (order rotating); each server and the load generator in its own process; 10,000 users.`,
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
