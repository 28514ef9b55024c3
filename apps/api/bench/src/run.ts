/**
 * `pnpm bench:api`: seeds a 10,000-user database file, then, in interleaved rounds, starts each server as its
 * own process on that file and loads each route with autocannon in another process. Prints a Markdown table.
 *
 * Settings (environment): BENCH_ROUNDS (3), BENCH_DURATION seconds per measurement (10), BENCH_CONNECTIONS
 * (32), BENCH_WARMUP seconds (3).
 */
import 'reflect-metadata';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHost } from '@slicewise/host';
import { users } from '@slicewise/users';

const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const duration = Number(process.env.BENCH_DURATION ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 32);
const warmup = Number(process.env.BENCH_WARMUP ?? 3);

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

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};

async function main(): Promise<void> {
  const loadBefore = loadavg()[0]?.toFixed(1);
  const dir = mkdtempSync(join(tmpdir(), 'slicewise-bench-'));
  const database = join(dir, 'bench.db');
  seed(database);
  const results = new Map<string, Measure[]>();
  try {
    for (let round = 1; round <= rounds; round++) {
      const order = round % 2 ? runServers : [...runServers].reverse();
      for (const server of order) {
        const { child, url } = await startServer(server.entry, database);
        try {
          const check = await fetch(`${url}/users/1`);
          if (check.status !== 200) throw new Error(`${server.name} answered ${check.status} for /users/1`);
          for (const route of runRoutes) {
            if (warmup > 0) load(child, url, route.key, warmup);
            const measure = load(child, url, route.key, duration);
            const key = `${server.name}|${route.name}`;
            results.set(key, [...(results.get(key) ?? []), measure]);
            process.stderr.write(
              `round ${round} ${server.name} ${route.name}: ${Math.round(measure.requestsPerSecond)} req/s, p99 ${measure.p99} ms, ` +
                `${Math.round(measure.cpuMicros)} µs CPU/request` +
                `${measure.non2xx + measure.errors + measure.timeouts > 0 ? ` (${measure.non2xx} non-2xx, ${measure.errors} errors)` : ''}\n`,
            );
          }
        } finally {
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
    `autocannon: ${connections} connections, ${duration} s per measurement after ${warmup} s warm-up, ${rounds} interleaved rounds (median shown), each server and the load generator in its own process, 10,000 users.`,
    '',
    '| route | server | req/s | p50 ms | p99 ms | CPU µs/req | req/s vs hand-written | p99 vs hand-written | CPU/req: hand-written ÷ this |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const route of routes) {
    const baseline = results.get(`${servers[1].name}|${route.name}`) ?? [];
    const baseRps = median(baseline.map((m) => m.requestsPerSecond));
    const baseP99 = median(baseline.map((m) => m.p99));
    const baseCpu = median(baseline.map((m) => m.cpuMicros));
    for (const server of servers) {
      const measures = results.get(`${server.name}|${route.name}`) ?? [];
      const rps = median(measures.map((m) => m.requestsPerSecond));
      const p99 = median(measures.map((m) => m.p99));
      const p50 = median(measures.map((m) => m.p50));
      const cpu = median(measures.map((m) => m.cpuMicros));
      lines.push(
        `| ${route.name} | ${server.name} | ${Math.round(rps)} | ${p50} | ${p99} | ${Math.round(cpu)} | ${(rps / baseRps).toFixed(2)}× | ${(p99 / baseP99).toFixed(2)}× | ${(baseCpu / cpu).toFixed(2)}× |`,
      );
    }
  }
  const slicewiseVsNest = routes.map((route) => {
    const of = (name: string) => results.get(`${name}|${route.name}`) ?? [];
    const rps = (name: string) => median(of(name).map((m) => m.requestsPerSecond));
    const cpu = (name: string) => median(of(name).map((m) => m.cpuMicros));
    return (
      `${route.name}: Slicewise ${(rps(servers[0].name) / rps(servers[2].name)).toFixed(2)}× NestJS in req/s, ` +
      `${(cpu(servers[2].name) / cpu(servers[0].name)).toFixed(2)}× in CPU per request`
    );
  });
  lines.push('', ...slicewiseVsNest);
  const table = lines.join('\n');
  process.stdout.write(`\n${table}\n`);
  if (process.env.BENCH_OUT) writeFileSync(process.env.BENCH_OUT, `${table}\n`);
}

await main();
