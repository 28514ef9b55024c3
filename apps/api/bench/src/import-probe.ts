/**
 * Issue #12's measurement: a reader's latency while an HTTP import runs on the same API. The probe
 * (`probe.ts`) and the import (`import-client.ts`) are processes of their own, pinned beside the load generator;
 * the server is the one the runner started for this.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { here, loadCpu, pinned } from './processes.js';

/** What the probe saw and how the import went. */
export interface ImportProbeResult {
  rows: number;
  /** The import's HTTP status, whether its last line said `done`, and what it counted. */
  status: number;
  done: boolean;
  imported: number;
  rejected: number;
  error: string | undefined;
  seconds: number;
  rowsPerSecond: number;
  probe: { count: number; p50: number; p99: number; max: number; errors: number; firstError?: string };
}

/** Spawns a pinned child with its stdout collected; `exited` resolves with its exit code. */
function child(
  args: string[],
  env: NodeJS.ProcessEnv,
): { process: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const [command, commandArgs] = pinned(loadCpu, args);
  const spawned = spawn(command, commandArgs, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  spawned.stdout?.on('data', (chunk: Buffer) => {
    output += chunk;
  });
  const exited = new Promise<number | null>((resolve) => spawned.once('exit', resolve));
  return { process: spawned, output: () => output, exited };
}

const lastJson = <T>(output: string, what: string): T => {
  const line = output.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(line) as T;
  } catch {
    throw new Error(`${what} printed no result: ${output.slice(-500)}`);
  }
};

/**
 * Runs one import of `rows` users with emails of their own (`imported1.warmup@example.com`) and waits for its end:
 * the server's import path (routes, validation, event log, subscriber) is compiled before the measured import, as
 * the probe's reads are, so the probe measures the import rather than a cold start.
 */
export async function warmUpImport(options: { url: string; token: string; rows: number }): Promise<void> {
  const importer = child([here('./import-client.js'), options.url, String(options.rows), '0', 'warmup'], {
    BENCH_TOKEN: options.token,
  });
  const code = await importer.exited;
  const result = lastJson<{ status: number; done: boolean }>(importer.output(), 'the warm-up import');
  if (code !== 0 || result.status !== 200 || !result.done) {
    throw new Error(`the warm-up import failed: ${importer.output().slice(-500)}`);
  }
}

/** Starts the probe, waits for its first answer, runs the import to its end, then stops the probe. */
export async function runImportProbe(options: {
  url: string;
  token: string;
  rows: number;
  batch: number;
  intervalMs: number;
}): Promise<ImportProbeResult> {
  const probe = child([here('./probe.js'), options.url, String(options.intervalMs)], {});
  try {
    await new Promise<void>((resolve, reject) => {
      const check = setInterval(() => {
        if (probe.output().startsWith('ready\n')) {
          clearInterval(check);
          resolve();
        }
      }, 5);
      probe.exited.then(() => {
        clearInterval(check);
        reject(new Error(`the probe exited before its first answer: ${probe.output()}`));
      });
    });
    const importer = child([here('./import-client.js'), options.url, String(options.rows), String(options.batch)], {
      BENCH_TOKEN: options.token,
    });
    await importer.exited;
    const imported = lastJson<Omit<ImportProbeResult, 'rows' | 'seconds' | 'rowsPerSecond' | 'probe'> & { ms: number }>(
      importer.output(),
      'the import',
    );
    probe.process.kill('SIGTERM');
    await probe.exited;
    const seconds = imported.ms / 1000;
    return {
      rows: options.rows,
      status: imported.status,
      done: imported.done,
      imported: imported.imported,
      rejected: imported.rejected,
      error: imported.error,
      seconds,
      rowsPerSecond: imported.imported / seconds,
      probe: lastJson(probe.output(), 'the probe'),
    };
  } finally {
    if (probe.process.exitCode === null && probe.process.signalCode === null) probe.process.kill('SIGKILL');
  }
}
