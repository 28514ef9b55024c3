// `pnpm bench:import`: `slicewise users import` of a CSV (200,000 and 1,000,000 rows; 1% invalid, 1% duplicate
// emails) plus `slicewise users stats` (which brings the user-stats read model up to date from the event log),
// against `import-plain.mjs`, a hand-written better-sqlite3 script doing the same validation, insert and stats in
// one process, measured in the same run, alternating. Then a subscriber's catch-up rate over 1,000,000 single
// `UserRegistered` events. Sizes: BENCH_IMPORT_SIZES=200000,1000000; rounds: BENCH_IMPORT_ROUNDS=3.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, nodeRunner } from './measure.mjs';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
const cli = here('../bin/slicewise.js');
const plain = here('./import-plain.mjs');
const appendEvents = here('./append-events.mjs');

function setting(name, fallback, valid) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = raw.split(',').map(Number);
  if (!value.every(valid)) throw new Error(`${name} must be ${valid.description}, got ${JSON.stringify(raw)}`);
  return value;
}
const positive = Object.assign((n) => Number.isSafeInteger(n) && n > 0, { description: 'whole numbers above 0' });
const sizes = setting('BENCH_IMPORT_SIZES', [200_000, 1_000_000], positive);
const [rounds] = setting('BENCH_IMPORT_ROUNDS', [3], positive);
const [catchUpEvents] = setting('BENCH_CATCH_UP_EVENTS', [1_000_000], positive);

const dir = mkdtempSync(join(tmpdir(), 'slicewise-bench-import-'));
const { SLICEWISE_DB, INIT_CWD, ...env } = process.env;

const measure = nodeRunner(dir, { ...env, NO_COLOR: '1' });
/** Runs `node [args]` to completion: wall time here, CPU time and peak RSS (MB) of the child. */
function run(args) {
  const { ms, cpuMs, maxRssKb, stdout } = measure(args);
  return { ms, cpuMs, maxRssMb: maxRssKb / 1024, stdout };
}

function writeCsv(file, rows) {
  const lines = ['name,email'];
  for (let i = 0; i < rows; i++) {
    if (i % 100 === 7) lines.push(`Bad ${i},not-an-email`);
    else if (i % 100 === 13) lines.push(`Again ${i},Person${i - 1}@Example.com`);
    else lines.push(` Person ${i} ,Person${i}@Example.com`);
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
}

const fresh = (name) => {
  for (const suffix of ['', '-wal', '-shm']) rmSync(join(dir, `${name}${suffix}`), { force: true });
  return join(dir, name);
};
const fmt = (n, digits = 0) => n.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits });

try {
  const loadBefore = loadavg()[0]?.toFixed(1);
  const rows = [];
  for (const size of sizes) {
    const csv = join(dir, `users-${size}.csv`);
    writeCsv(csv, size);
    const samples = [];
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? ['plain', 'slicewise'] : ['slicewise', 'plain'];
      const sample = {};
      for (const who of order) {
        if (who === 'plain') {
          const db = fresh('plain.db');
          const done = run([plain, csv, db]);
          sample.plain = { ...done, result: JSON.parse(done.stdout) };
        } else {
          const db = fresh('slicewise.db');
          const imported = run([cli, 'users', 'import', csv, '--db', db, '--json']);
          const stats = run([cli, 'users', 'stats', '--db', db, '--json']);
          sample.slicewise = {
            ms: imported.ms + stats.ms,
            cpuMs: imported.cpuMs + stats.cpuMs,
            importMs: imported.ms,
            statsMs: stats.ms,
            maxRssMb: Math.max(imported.maxRssMb, stats.maxRssMb),
            stats: JSON.parse(stats.stdout),
          };
        }
      }
      if (sample.slicewise.stats.total !== sample.plain.result.imported) {
        throw new Error(
          `Slicewise counted ${sample.slicewise.stats.total} users, the script ${sample.plain.result.imported}`,
        );
      }
      samples.push(sample);
    }
    rows.push({
      size,
      slicewiseMs: median(samples.map((s) => s.slicewise.ms)),
      importMs: median(samples.map((s) => s.slicewise.importMs)),
      statsMs: median(samples.map((s) => s.slicewise.statsMs)),
      plainMs: median(samples.map((s) => s.plain.ms)),
      ratio: median(samples.map((s) => s.slicewise.ms / s.plain.ms)),
      cpuRatio: median(samples.map((s) => s.slicewise.cpuMs / s.plain.cpuMs)),
      rssMb: Math.max(...samples.map((s) => s.slicewise.maxRssMb)),
      plainRssMb: Math.max(...samples.map((s) => s.plain.maxRssMb)),
      imported: samples[0].plain.result.imported,
    });
  }

  // Catch-up: N single UserRegistered events appended by a host without user-stats, then `events catch-up`.
  const catchUpDb = fresh('catch-up.db');
  run([cli, 'users', 'stats', '--db', catchUpDb, '--json']); // the read model exists, its checkpoint at 0
  run([appendEvents, catchUpDb, String(catchUpEvents)]);
  const catchUp = run([cli, 'events', 'catch-up', '--db', catchUpDb, '--json']);
  const caughtUp = JSON.parse(run([cli, 'users', 'stats', '--db', catchUpDb, '--json']).stdout);
  if (caughtUp.total !== catchUpEvents) throw new Error(`catch-up counted ${caughtUp.total} of ${catchUpEvents}`);

  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  console.log(
    `bench:import on ${cpus().length} × ${cpu}, Node ${process.version}, load ${loadBefore} → ${loadavg()[0]?.toFixed(1)}`,
  );
  console.log(
    `median of ${rounds} alternating rounds; Slicewise = users import + users stats (catch-up), two processes\n`,
  );
  console.log(
    '| rows | Slicewise (import + stats) | hand-written script | ratio (wall) | ratio (CPU) | peak RSS | goal |',
  );
  console.log('| ---: | ---: | ---: | ---: | ---: | ---: | --- |');
  for (const row of rows) {
    const rate = (row.imported / row.slicewiseMs) * 1000;
    console.log(
      `| ${fmt(row.size)} | ${fmt(row.slicewiseMs / 1000, 2)} s (${fmt(row.importMs / 1000, 2)} + ${fmt(row.statsMs / 1000, 2)}), ${fmt(rate)} rows/s | ` +
        `${fmt(row.plainMs / 1000, 2)} s, ${fmt(row.plainRssMb)} MB | ${fmt(row.ratio, 2)}× | ${fmt(row.cpuRatio, 2)}× | ` +
        `${fmt(row.rssMb)} MB | ≤ 1.3×${row.size >= 1_000_000 ? ', < 150 MB' : ''} |`,
    );
  }
  console.log(
    `\nCatch-up of ${fmt(catchUpEvents)} single UserRegistered events by user-stats (\`events catch-up\`): ` +
      `${fmt(catchUp.ms / 1000, 2)} s, ${fmt((catchUpEvents / catchUp.ms) * 1000)} events/s, ${fmt(catchUp.maxRssMb)} MB peak RSS`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
