import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';

const cliBin = fileURLToPath(new URL('../../../apps/cli/bin/slicewise.js', import.meta.url));
const apiBin = fileURLToPath(new URL('../../../apps/api/bin/slicewise-api.js', import.meta.url));

/** The one token the API under test accepts: it grants every permission. */
export const token = 'durability-test-token';

const baseEnv = () => {
  const { SLICEWISE_DB: _db, SLICEWISE_TOKENS: _tokens, SLICEWISE_TOKENS_FILE: _file, ...env } = process.env;
  return { ...env, NO_COLOR: '1' };
};

/** Runs the real CLI to completion on `db`. */
export function cli(db: string, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [cliBin, ...args, '--db', db], { encoding: 'utf8', env: baseEnv() });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Starts the real CLI without waiting for it (to kill it). */
export function startCli(db: string, ...args: string[]): ChildProcess {
  return spawn(process.execPath, [cliBin, ...args, '--db', db], { env: baseEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
}

/** A running API process on a free loopback port. */
export interface RunningApi {
  readonly url: string;
  readonly child: ChildProcess;
  /** Stops it: SIGKILL when `hard`, else SIGTERM; resolves once it has exited. */
  stop(hard?: boolean): Promise<void>;
}

/** Starts the real API on `db` and resolves once it listens. */
export function startApi(db: string): Promise<RunningApi> {
  const env = {
    ...baseEnv(),
    HOST: '127.0.0.1',
    PORT: '0',
    SLICEWISE_DB: db,
    SLICEWISE_TOKENS: JSON.stringify({ [token]: { id: 'durability', permissions: ['*'] } }),
  };
  const child = spawn(process.execPath, [apiBin], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (hard = false) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(hard ? 'SIGKILL' : 'SIGTERM');
    await exited;
  };
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`The API did not listen within 30 s:\n${output}`));
    }, 30_000);
    const listen = (chunk: Buffer) => {
      output += chunk.toString();
      const url = /listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
      if (!url) return;
      clearTimeout(timer);
      child.stdout?.off('data', listen);
      child.stdout?.resume();
      child.stderr?.resume();
      resolve({ url, child, stop });
    };
    child.stdout?.on('data', listen);
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`The API exited with ${code} before listening:\n${output}`));
    });
  });
}

/** Registers a user through the API; resolves with the HTTP status (0 when the connection failed). */
export async function register(url: string, name: string, email: string): Promise<number> {
  try {
    const response = await fetch(`${url}/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ name, email }),
    });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return 0;
  }
}

/** The user statistics as the read model holds them, and as a recount of `users` gives them. */
export function statsAndRecount(file: string) {
  const db = new Database(file, { readonly: true });
  try {
    const totals = db.prepare('SELECT total, active FROM user_stats_totals').get() as
      | { total: number; active: number }
      | undefined;
    const days = db.prepare('SELECT day, registered FROM user_stats_days WHERE registered > 0 ORDER BY day').all();
    const recount = db.prepare('SELECT count(*) AS total, coalesce(sum(active), 0) AS active FROM users').get();
    const recountDays = db
      .prepare('SELECT substr(created_at, 1, 10) AS day, count(*) AS registered FROM users GROUP BY 1 ORDER BY 1')
      .all();
    const integrity = db.pragma('integrity_check', { simple: true });
    return {
      stats: { totals: totals ?? { total: 0, active: 0 }, days },
      recount: { totals: recount, days: recountDays },
      integrity,
    };
  } finally {
    db.close();
  }
}

/** Emails in `users`, each with how many rows carry it. */
export function emailCounts(file: string): Map<string, number> {
  const db = new Database(file, { readonly: true });
  try {
    const rows = db.prepare('SELECT email, count(*) AS n FROM users GROUP BY email').all() as {
      email: string;
      n: number;
    }[];
    return new Map(rows.map((row) => [row.email, row.n]));
  } finally {
    db.close();
  }
}

/** Writes a CSV of `rows` valid users, `person<i>@example.com`, in order. */
export function writeCsv(file: string, rows: number, prefix = 'person'): void {
  const lines = ['name,email'];
  for (let i = 0; i < rows; i++) lines.push(`Person ${i},${prefix}${i}@example.com`);
  writeFileSync(file, `${lines.join('\n')}\n`);
}

/** Resolves after `ms`. */
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until the child exits (after a kill). */
export const exitOf = (child: ChildProcess) =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise<void>((resolve) => child.once('exit', () => resolve()));
