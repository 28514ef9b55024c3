import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  cli,
  emailCounts,
  exitOf,
  type RunningApi,
  register,
  sleep,
  startApi,
  startCli,
  statsAndRecount,
  writeCsv,
} from './processes.js';

// 20 trials of `kill -9` at random moments: 10 during a 200,000-row CLI import, 10 during a burst of concurrent
// POST /users. After each, the next start converges: user-stats equals a recount of users, the file is intact, and
// every acknowledged write is there exactly once. Set SLICEWISE_KILL_TRIALS to run more (or fewer) of each.
const trials = Number(process.env.SLICEWISE_KILL_TRIALS ?? 10);
const importRows = 200_000;
const batch = 1000;
const dir = mkdtempSync(join(tmpdir(), 'slicewise-kill-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Asserts the read model equals a recount of `users` and the file is intact. */
function expectConverged(db: string) {
  const { stats, recount, integrity } = statsAndRecount(db);
  expect(integrity).toBe('ok');
  expect(stats).toEqual(recount);
}

describe('kill -9 during a 200,000-row import', () => {
  const csv = join(dir, 'users.csv');
  writeCsv(csv, importRows);

  it(`converges after each of ${trials} kills, keeping whole batches only`, async () => {
    // Calibrate: how long an uninterrupted import takes here, to kill at random moments within it.
    const calibration = join(dir, 'calibration.db');
    const started = Date.now();
    expect(cli(calibration, 'users', 'import', csv, '--json').status).toBe(0);
    const duration = Date.now() - started;
    expect(cli(calibration, 'users', 'stats', '--json').status).toBe(0);
    expectConverged(calibration);

    let killedMidway = 0;
    for (let trial = 0; trial < trials; trial++) {
      const db = join(dir, `import-${trial}.db`);
      // A random moment within the import; when the import was faster than that this time (the machine's speed
      // varies), the trial starts over on a fresh file with half the delay.
      for (let attempt = 0; attempt < 6; attempt++) {
        for (const suffix of ['', '-wal', '-shm']) rmSync(`${db}${suffix}`, { force: true });
        const child = startCli(db, 'users', 'import', csv, '--batch', String(batch), '--json');
        child.stdout?.resume();
        child.stderr?.resume();
        await sleep(duration * (0.05 + 0.9 * Math.random()) * 0.5 ** attempt);
        const running = child.exitCode === null;
        child.kill('SIGKILL');
        await exitOf(child);
        if (running) {
          killedMidway++;
          break;
        }
      }

      // The next start: any host composing user-stats catches up (here the CLI's `users stats`).
      const next = cli(db, 'users', 'stats', '--json');
      expect(next.stderr).toBe('');
      expect(next.status).toBe(0);
      expectConverged(db);
      // Batches are atomic: the users are exactly the first k * batch rows of the file, each once.
      const emails = emailCounts(db);
      expect(emails.size % batch === 0 || emails.size === importRows).toBe(true);
      for (let i = 0; i < emails.size; i += 997) expect(emails.get(`person${i}@example.com`)).toBe(1);
      expect(JSON.parse(next.stdout).total).toBe(emails.size);
    }
    expect(killedMidway).toBe(trials);
  });
});

describe('kill -9 during a burst of concurrent POST /users', () => {
  it(`converges after each of ${trials} kills, with every acknowledged registration there once`, async () => {
    const db = join(dir, 'api.db');
    let api: RunningApi | undefined;
    let sequence = 0;
    try {
      for (let trial = 0; trial < trials; trial++) {
        api = await startApi(db);
        const acknowledged: string[] = [];
        let stop = false;
        const worker = async () => {
          while (!stop) {
            const email = `burst${++sequence}@example.com`;
            const status = await register(api?.url ?? '', `Burst ${sequence}`, email);
            if (status === 201) acknowledged.push(email);
            else if (status === 0)
              return; // the server is gone
            else throw new Error(`POST /users answered ${status}`);
          }
        };
        const workers = Array.from({ length: 8 }, worker);
        // Kill at a random moment once the burst is under way (some writes acknowledged, others in flight).
        const deadline = Date.now() + 60_000;
        while (acknowledged.length < 5 && Date.now() < deadline) await sleep(5);
        await sleep(Math.random() * 500);
        await api.stop(true); // kill -9 while requests are in flight
        stop = true;
        await Promise.all(workers);
        api = undefined;

        expect(acknowledged.length).toBeGreaterThanOrEqual(5);
        const emails = emailCounts(db);
        for (const email of acknowledged) expect(emails.get(email), email).toBe(1);
        const next = cli(db, 'users', 'stats', '--json');
        expect(next.status).toBe(0);
        expectConverged(db);
      }
    } finally {
      await api?.stop(true);
    }
  });
});
