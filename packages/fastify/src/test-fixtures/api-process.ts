/** The built API (fixture slices included) as a child process on 127.0.0.1, and what tests measure of it. */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const entry = fileURLToPath(new URL('../../dist/test-fixtures/server-with-fixtures.js', import.meta.url));

/** A running API process. */
export interface ApiProcess {
  readonly child: ChildProcess;
  readonly base: string;
  readonly port: number;
  readonly database: string;
  readonly exited: Promise<number | null>;
  /** Everything it printed so far. */
  output(): string;
  /** Kills it (if still running) and removes its database folder. */
  stop(): Promise<void>;
}

/** A port free on 127.0.0.1 right now. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Starts the API with the fixture slices on a fresh database file, `LOG_LEVEL=warn` unless `env` says. */
export async function startApiProcess(env: Record<string, string> = {}): Promise<ApiProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'slicewise-api-process-'));
  const database = join(dir, 'api.db');
  const port = await freePort();
  const child = spawn(process.execPath, [entry], {
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      SLICEWISE_DB: database,
      SLICEWISE_TOKENS: '',
      SLICEWISE_TOKENS_FILE: '',
      ...env,
    },
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  const base = `http://127.0.0.1:${port}`;
  for (let attempt = 0; attempt < 200; attempt += 1) {
    if (child.exitCode !== null) break;
    const ready = await fetch(`${base}/healthz`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) return { child, base, port, database, exited, output: () => output, stop };
    await pause(50);
  }
  await stop();
  throw new Error(`The API did not start:\n${output}`);
}

/** The resident memory of a process, in MiB (Linux `/proc`). */
export function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? Number.NaN);
  return kib / 1024;
}

/** Samples a process's RSS every `everyMs` until stopped; `peak()` is the largest sample. */
export function watchRss(pid: number, everyMs = 100): { peak(): number; stop(): number } {
  let peak = rssMiB(pid);
  const timer = setInterval(() => {
    try {
      peak = Math.max(peak, rssMiB(pid));
    } catch {
      // the process is gone: the test's liveness check says so
    }
  }, everyMs);
  return {
    peak: () => peak,
    stop: () => {
      clearInterval(timer);
      return peak;
    },
  };
}

/** CPU seconds (user + system) a process has used. */
export function cpuSeconds(pid: number): number {
  const fields = (readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1] ?? '').split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/**
 * Waits until a process uses less than 5% of a CPU over half a second (it has stopped working on something),
 * for at most `withinMs`; resolves with whether it did.
 */
export async function settled(pid: number, withinMs: number): Promise<boolean> {
  const until = Date.now() + withinMs;
  let before = cpuSeconds(pid);
  while (Date.now() < until) {
    await pause(500);
    const now = cpuSeconds(pid);
    if (now - before < 0.025) return true;
    before = now;
  }
  return false;
}

/** What a probe saw: latencies of its answered requests, in ms, and why the others failed. */
export interface ProbeResult {
  readonly latencies: number[];
  readonly errors: string[];
  readonly p99: number;
  readonly max: number;
}

const probeEntry = fileURLToPath(new URL('../../dist/test-fixtures/probe.js', import.meta.url));

/**
 * Starts a well-behaved client in a process of its own (`probe.ts`): resolves once its keep-alive connection is
 * open; `result` settles when it has sent `GET path` for `durationMs`.
 */
export async function startProbe(
  base: string,
  path: string,
  durationMs: number,
): Promise<{ result: Promise<ProbeResult>; kill(): void }> {
  const child = spawn(process.execPath, [probeEntry, `${base}${path}`, String(durationMs)]);
  let output = '';
  const opened = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk;
      if (output.startsWith('open\n')) resolve();
    });
    child.on('exit', () => reject(new Error(`the probe exited before its connection opened: ${output}`)));
  });
  const result = new Promise<ProbeResult>((resolve, reject) => {
    child.on('exit', () => {
      const line = output.split('\n').find((text) => text.startsWith('{'));
      if (!line) return reject(new Error(`the probe printed no result: ${output}`));
      const { latencies, errors } = JSON.parse(line) as { latencies: number[]; errors: string[] };
      const sorted = [...latencies].sort((a, b) => a - b);
      const p99 = sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)] ?? Number.NaN;
      resolve({ latencies, errors, p99, max: sorted.at(-1) ?? Number.NaN });
    });
  });
  result.catch(() => undefined);
  await opened;
  return { result, kill: () => child.kill('SIGKILL') };
}

/** Resolves after `ms`. */
export const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
