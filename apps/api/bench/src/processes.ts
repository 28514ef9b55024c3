/**
 * The runner's child processes: servers pinned to one CPU, load generators and clients to another, and the CPU
 * time a server spends.
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';

/** The path of a compiled sibling entry point (`./load.js`). */
export const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

/**
 * On Linux with `taskset` and at least two CPUs, servers run on one CPU and the load generator on another, so
 * they never share a core or migrate between cores mid-measurement (the largest source of noise on this VM).
 */
export const canPin =
  process.platform === 'linux' && cpus().length >= 2 && spawnSync('taskset', ['-V'], { stdio: 'ignore' }).status === 0;
export const serverCpu = cpus().length - 1;
export const loadCpu = 0;

/** `node ...args`, pinned to `cpu` when pinning is possible. */
export function pinned(cpu: number, args: string[]): [string, string[]] {
  return canPin ? ['taskset', ['-c', String(cpu), process.execPath, ...args]] : [process.execPath, args];
}

/** Starts a server entry on `database`; resolves with its URL once it prints `listening at http://…`. */
export function startServer(
  entry: string,
  database: string,
  env: NodeJS.ProcessEnv = {},
): Promise<{ child: ChildProcess; url: string }> {
  const [command, args] = pinned(serverCpu, [entry]);
  const child = spawn(command, args, {
    env: { ...process.env, SLICEWISE_DB: database, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
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

/** Sends SIGTERM and waits for the exit. */
export async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/** CPU time a process has used, in microseconds (Linux: /proc; elsewhere NaN). Clock ticks are 100 Hz. */
export function cpuTime(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) * 10_000;
  } catch {
    return Number.NaN;
  }
}

/** One autocannon measurement, as `load.ts` prints it, with the server's CPU time per request. */
export interface Measure {
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

/** What a write route's load needs besides the URL: a bearer token and a tag that keeps its emails unique. */
export interface WriteLoad {
  token: string;
  tag: string;
}

/** Runs `load.ts` (autocannon) in its own pinned process against `url` for `seconds`. */
export function load(
  server: ChildProcess,
  url: string,
  route: string,
  connections: number,
  seconds: number,
  write?: WriteLoad,
): Measure {
  const before = cpuTime(server.pid);
  const extra = write ? [write.tag] : [];
  const [command, args] = pinned(loadCpu, [
    here('./load.js'),
    url,
    route,
    String(connections),
    String(seconds),
    ...extra,
  ]);
  const out = execFileSync(command, args, {
    encoding: 'utf8',
    env: write ? { ...process.env, BENCH_TOKEN: write.token } : process.env,
  });
  const measure = JSON.parse(out.trim().split('\n').pop() as string) as Omit<Measure, 'cpuMicros'>;
  return { ...measure, cpuMicros: (cpuTime(server.pid) - before) / measure.total };
}
