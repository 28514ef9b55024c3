// Benchmarks @slicewise/db against hand-written better-sqlite3, in one process, interleaved, median of rounds.
// Run after a build: `pnpm bench` (or `node bench/run.js`). Prints a markdown table for the README.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { Database } from '../dist/index.js';

const rounds = Number(process.env.BENCH_ROUNDS ?? 21);
const dir = mkdtempSync(join(tmpdir(), 'slicewise-bench-'));
let files = 0;
const newFile = () => join(dir, `bench-${++files}.db`);

function openRaw(file) {
  const raw = new BetterSqlite3(file);
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = NORMAL');
  raw.pragma('foreign_keys = ON');
  raw.pragma('busy_timeout = 5000');
  return raw;
}

const rows = Array.from({ length: 100_000 }, (_, i) => ({
  id: i + 1,
  name: `user ${i}`,
  email: `user${i}@example.com`,
  score: i * 1.5,
  group_id: i % 2000,
}));

function time(fn) {
  const start = performance.now();
  fn();
  return performance.now() - start;
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const quartiles = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return [sorted[Math.floor(sorted.length / 4)], sorted[Math.floor((sorted.length * 3) / 4)]];
};
const spreadOf = ({ spread }) => `${spread[0].toFixed(2)}–${spread[1].toFixed(2)}×`;

/**
 * Runs both sides `rounds` times after a warm-up, alternating which goes first, and compares each pair of
 * neighbouring runs: the ratio is the median of the per-pair ratios, so load from other processes on the
 * machine hits both sides of a pair alike. Rates are medians too.
 */
function compare(operations, ours, baseline) {
  for (let i = 0; i < 2; i++) {
    ours();
    baseline();
  }
  const oursMs = [];
  const baseMs = [];
  const ratios = [];
  for (let round = 0; round < rounds; round++) {
    let o;
    let b;
    if (round % 2 === 0) {
      o = time(ours);
      b = time(baseline);
    } else {
      b = time(baseline);
      o = time(ours);
    }
    oursMs.push(o);
    baseMs.push(b);
    ratios.push(b / o);
  }
  return {
    oursRate: operations / (median(oursMs) / 1000),
    baseRate: operations / (median(baseMs) / 1000),
    ratio: median(ratios),
    spread: quartiles(ratios),
  };
}

function insertAllBench() {
  return compare(
    rows.length,
    () => {
      const db = new Database(newFile());
      db.table('users').insertAll(rows, { pk: 'id' });
      db.close();
    },
    () => {
      const raw = openRaw(newFile());
      raw.exec('CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT, email TEXT, score REAL, group_id INTEGER)');
      const insert = raw.prepare('INSERT INTO users (id, name, email, score, group_id) VALUES (?, ?, ?, ?, ?)');
      raw.transaction(() => {
        for (const row of rows) insert.run(row.id, row.name, row.email, row.score, row.group_id);
      })();
      raw.close();
    },
  );
}

function readBenches() {
  const file = newFile();
  const db = new Database(file);
  db.table('users').insertAll(rows, { pk: 'id' });
  db.table('users').createIndex(['group_id']);
  const raw = db.raw; // the same connection: only the API's overhead differs
  const users = db.table('users');
  const byGroup = raw.prepare('SELECT * FROM users WHERE group_id = ?');
  const byId = raw.prepare('SELECT * FROM users WHERE id = ?');
  const queries = 1_000;
  const gets = 50_000;
  let sink = 0;
  const rowsWhere = compare(
    queries,
    () => {
      for (let i = 0; i < queries; i++) sink += users.rowsWhere('group_id = ?', [i % 2000]).length;
    },
    () => {
      for (let i = 0; i < queries; i++) sink += byGroup.all(i % 2000).length;
    },
  );
  const get = compare(
    gets,
    () => {
      for (let i = 0; i < gets; i++) sink += users.get((i % 100_000) + 1).group_id;
    },
    () => {
      for (let i = 0; i < gets; i++) sink += byId.get((i % 100_000) + 1).group_id;
    },
  );
  if (sink === 0) throw new Error('the benchmark read nothing');
  db.close();
  return { rowsWhere, get };
}

function memoryBench() {
  const script = fileURLToPath(new URL('./memory.js', import.meta.url));
  const child = spawnSync(process.execPath, ['--expose-gc', script, newFile()], { encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`memory benchmark failed: ${child.stderr}`);
  return JSON.parse(child.stdout);
}

const rate = (value) => `${Math.round(value).toLocaleString('en-US')}/s`;
const verdict = (ok) => (ok ? 'met' : '**missed**');

try {
  const insert = insertAllBench();
  const { rowsWhere, get } = readBenches();
  const memory = memoryBench();
  const cpu = cpus();
  const lines = [
    `Measured ${new Date().toISOString().slice(0, 10)} on ${cpu[0]?.model ?? 'unknown CPU'} (${cpu.length} cores), ` +
      `Node ${process.version}, ${process.platform}, load average ${loadavg()[0].toFixed(1)}; ratio = median of ${rounds} ` +
      'interleaved pairs of runs after a warm-up.',
    '',
    '| Benchmark | @slicewise/db | better-sqlite3 by hand | ratio | middle half of pairs | target | |',
    '|---|---|---|---|---|---|---|',
    `| \`insertAll\` 100,000 rows × 5 columns, new table (rows/s) | ${rate(insert.oursRate)} | ${rate(insert.baseRate)} | ${insert.ratio.toFixed(2)}× | ${spreadOf(insert)} | ≥ 0.8× | ${verdict(insert.ratio >= 0.8)} |`,
    `| \`rowsWhere\` 50 rows through an index (queries/s) | ${rate(rowsWhere.oursRate)} | ${rate(rowsWhere.baseRate)} | ${rowsWhere.ratio.toFixed(2)}× | ${spreadOf(rowsWhere)} | ≥ 0.9× | ${verdict(rowsWhere.ratio >= 0.9)} |`,
    `| \`get(pk)\` (rows/s) | ${rate(get.oursRate)} | ${rate(get.baseRate)} | ${get.ratio.toFixed(2)}× | ${spreadOf(get)} | ≥ 0.9× | ${verdict(get.ratio >= 0.9)} |`,
    `| \`insertAll\` generator of 1,000,000 rows: peak RSS above baseline | ${memory.peakRssMb.toFixed(1)} MB (heap ${memory.peakHeapMb.toFixed(1)} MB) | | | | < 100 MB | ${verdict(memory.peakRssMb < 100)} |`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
