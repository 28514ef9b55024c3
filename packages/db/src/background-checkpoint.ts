import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { DatabaseOptions } from './database-options.js';

/** How a {@link BackgroundCheckpointer} opens its own connection and how often it looks for work. */
export interface BackgroundCheckpointOptions {
  /** The database file (WAL mode). */
  readonly filename: string;
  /** `PRAGMA synchronous` of the writer: a checkpoint syncs the log and the file as the writer's setting says. */
  readonly synchronous: string;
  /** Milliseconds between two looks at the database. */
  readonly intervalMs: number;
  /** Called when the worker stopped on its own (an error): the writer must checkpoint again itself. */
  readonly onFailure: (error: unknown) => void;
}

/**
 * The worker's code, CommonJS run with `eval` (so it needs no file of its own next to the compiled or the source
 * module). Every `intervalMs` it reads `PRAGMA data_version`, which changes when another connection commits, and
 * then runs a PASSIVE checkpoint: it copies the committed pages of the log into the file and syncs both, without
 * ever blocking a writer or a reader. On `stop` it closes its connection and flips the shared flag.
 */
const workerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const done = new Int32Array(workerData.done);
const db = new Database(workerData.filename, { fileMustExist: true });
db.pragma('busy_timeout = 0');
db.pragma('synchronous = ' + workerData.synchronous);
const version = db.prepare('PRAGMA data_version').pluck();
const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
let seen = -1;
const timer = setInterval(() => {
  try {
    const now = version.get();
    if (now !== seen) {
      checkpoint.get();
      seen = now;
    }
  } catch (error) {
    if (!String(error && error.code).startsWith('SQLITE_BUSY')) throw error;
  }
}, workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  try { db.close(); } finally {
    Atomics.store(done, 0, 1);
    Atomics.notify(done, 0);
    parentPort.close();
  }
});
`;

export /** The checked checkpoint options: whether a worker checkpoints, and how often it looks. */
function checkpointOptions(options: DatabaseOptions): {
  background: boolean;
  intervalMs: number;
  backstopPages: number;
} {
  const mode = options.checkpoint ?? 'auto';
  if (mode !== 'auto' && mode !== 'background') throw new TypeError(`Unknown checkpoint mode ${mode}`);
  const intervalMs = Math.trunc(options.checkpointIntervalMs ?? 200);
  if (!(intervalMs >= 1)) throw new TypeError(`checkpointIntervalMs must be at least 1, not ${intervalMs}`);
  const backstopPages = Math.trunc(options.checkpointBackstopPages ?? 10_000);
  if (!(backstopPages >= 1)) throw new TypeError(`checkpointBackstopPages must be at least 1, not ${backstopPages}`);
  return { background: mode === 'background', intervalMs, backstopPages };
}

/** How long `stop` waits for a checkpoint in progress before it lets the worker go. */
const stopWaitMs = 5_000;

/**
 * Checkpoints a WAL database from a worker thread with its own connection, so the thread that writes does not copy
 * the log into the file or wait for its fsyncs inside a commit (SQLite's automatic checkpoint does both, in the
 * commit that grows the log past 1000 pages). The writer moves its automatic checkpoint to a backstop far higher:
 * the log starts over only after a checkpoint that caught up with the last commit, which a worker racing writes that
 * never pause does not manage, so the writer's own (then small: the worker copied the rest) checkpoint bounds it.
 */
export class BackgroundCheckpointer {
  readonly #worker: Worker;
  readonly #done = new Int32Array(new SharedArrayBuffer(4));
  #stopped = false;

  constructor(options: BackgroundCheckpointOptions) {
    this.#worker = new Worker(workerSource, {
      eval: true,
      workerData: {
        driver: createRequire(import.meta.url).resolve('better-sqlite3'),
        filename: options.filename,
        synchronous: options.synchronous,
        intervalMs: options.intervalMs,
        done: this.#done.buffer,
      },
    });
    this.#worker.unref(); // never keeps a process alive on its own
    this.#worker.on('error', (error) => {
      if (this.#stopped) return;
      this.#stopped = true;
      options.onFailure(error);
    });
  }

  /**
   * Stops the worker and closes its connection, synchronously: waits for a checkpoint in progress to end (at most
   * 5 s), so the writer can checkpoint and close the file right after.
   */
  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#worker.postMessage('stop');
    Atomics.wait(this.#done, 0, 0, stopWaitMs);
    void this.#worker.terminate();
  }
}
