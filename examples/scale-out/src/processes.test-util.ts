import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Database } from '@slicewise/db';

const bin = (name: string) => fileURLToPath(new URL(`../bin/${name}.js`, import.meta.url));

/** One example process (host A, host B or the relay) that a test can `kill -9` and start again. */
export class ExampleProcess {
  #child: ChildProcess | undefined;
  #url = '';
  constructor(
    readonly name: 'host-a' | 'host-b' | 'relay',
    readonly env: NodeJS.ProcessEnv,
  ) {}

  get url(): string {
    return this.#url;
  }

  /** Starts it; resolves once it serves (hosts) or publishes (relay). */
  async start(): Promise<void> {
    const child = spawn(process.execPath, [bin(this.name)], {
      env: { ...process.env, HOST: '127.0.0.1', PORT: '0', ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.#child = child;
    child.stderr?.on('data', () => {}); // its reconnect messages during outages
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.name} did not start in 30 s`)), 30_000);
      let out = '';
      child.stdout?.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const url = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
        if (url || out.includes('publishing')) {
          if (url) this.#url = url;
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${this.name} exited with ${code}`));
      });
    });
  }

  /** `kill -9`: no shutdown hook runs. */
  async kill(): Promise<void> {
    await this.#signal('SIGKILL');
  }

  async stop(): Promise<void> {
    await this.#signal('SIGTERM');
  }

  async #signal(signal: NodeJS.Signals): Promise<void> {
    const child = this.#child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
  }
}

/** The user statistics recounted from host A's `users` table (what B's read model must equal). */
export function recount(file: string): {
  total: number;
  active: number;
  registeredPerDay: { day: string; count: number }[];
} {
  const db = new Database(file, { readonly: true });
  try {
    const totals = db
      .query<{ total: number; active: number }>(
        'SELECT count(*) AS total, coalesce(sum(active), 0) AS active FROM users',
      )
      .first();
    const registeredPerDay = db
      .query<{ day: string; count: number }>(
        'SELECT substr(created_at, 1, 10) AS day, count(*) AS count FROM users GROUP BY day ORDER BY day',
      )
      .all();
    return { total: totals?.total ?? 0, active: totals?.active ?? 0, registeredPerDay };
  } finally {
    db.close();
  }
}

/** What B recorded from the stream: remote events, distinct remote ids, inbox rows. */
export function inboundCounts(file: string): { events: number; distinct: number; inbox: number } {
  const db = new Database(file, { readonly: true });
  try {
    return db
      .query<{ events: number; distinct: number; inbox: number }>(
        `SELECT count(*) AS events, count(DISTINCT source_id) AS "distinct", (SELECT count(*) FROM _slicewise_inbox) AS inbox
         FROM _slicewise_events WHERE source_id IS NOT NULL`,
      )
      .first() as { events: number; distinct: number; inbox: number };
  } finally {
    db.close();
  }
}

/** How many events host A's log holds. */
export function eventCount(file: string): number {
  const db = new Database(file, { readonly: true });
  try {
    return (db.query<{ n: number }>('SELECT count(*) AS n FROM _slicewise_events').first() as { n: number }).n;
  } finally {
    db.close();
  }
}

export const usersEvents = [
  '@slicewise/users/UserRegistered',
  '@slicewise/users/UsersRegistered',
  '@slicewise/users/UserDeactivated',
].join(',');

/** A bearer token granting `users:write`, made per test run; host A accepts it through `SLICEWISE_TOKENS`. */
export const writerToken = randomBytes(24).toString('base64url');
export const writerTokens = JSON.stringify({ [writerToken]: { id: 'scale-out-test', permissions: ['users:write'] } });
const authorization = { authorization: `Bearer ${writerToken}` };

/** `POST` with the writer's token: no body, a JSON body, or an NDJSON one when `ndjson` is set. */
export function post(url: string, body?: string, ndjson = false): Promise<Response> {
  if (body === undefined) return fetch(url, { method: 'POST', headers: authorization });
  const type = ndjson ? 'application/x-ndjson' : 'application/json';
  return fetch(url, { method: 'POST', headers: { ...authorization, 'content-type': type }, body });
}

/** The lines of an NDJSON response, parsed. */
export async function ndjsonLines(response: Response): Promise<Record<string, unknown>[]> {
  const text = await response.text();
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it holds or `ms` pass; returns its last value. */
export async function waitFor<T>(check: () => Promise<T>, done: (value: T) => boolean, ms: number): Promise<T> {
  const until = Date.now() + ms;
  let value = await check();
  while (!done(value) && Date.now() < until) {
    await sleep(200);
    value = await check();
  }
  return value;
}
