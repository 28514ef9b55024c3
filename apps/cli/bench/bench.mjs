// `pnpm bench:cli`: start-up of `slicewise users list --active --json` (ListUsers' default page of 50) and of
// `--limit 500` (its largest page) on 10,000 users, each against a plain better-sqlite3 script printing the same
// JSON; then a 1,000,000-row `slicewise users import` of an NDJSON file through the real import-users slice
// (which appends one UsersRegistered per batch to the event log, as the CLI does): rows/s and peak RSS.
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, nodeRunner } from './measure.mjs';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
const cli = here('../bin/slicewise.js');
const plain = here('./plain-list.cjs');
const runs = Number(process.env.BENCH_RUNS ?? 21);
const importRows = Number(process.env.BENCH_IMPORT_ROWS ?? 1_000_000);

const dir = mkdtempSync(join(tmpdir(), 'slicewise-bench-'));
const { SLICEWISE_DB, INIT_CWD, ...env } = process.env;

const run = nodeRunner(dir, env);

try {
  const db = join(dir, 'bench.db');
  run([cli, 'db', 'seed', '--count', '10000', '--db', db]);
  const pairs = {
    page: { cli: [cli, 'users', 'list', '--active', '--json', '--db', db], plain: [plain, db, '50'] },
    max: { cli: [cli, 'users', 'list', '--active', '--limit', '500', '--json', '--db', db], plain: [plain, db, '500'] },
  };
  const printed = {};
  for (const [name, pair] of Object.entries(pairs)) {
    printed[name] = JSON.parse(run(pair.plain).stdout).length;
    if (run(pair.cli).stdout !== run(pair.plain).stdout) throw new Error(`CLI and plain script differ (${name})`);
  }

  const samples = { node: [], 'page-cli': [], 'page-plain': [], 'max-cli': [], 'max-plain': [] };
  for (let i = 0; i < 3; i++) {
    for (const pair of Object.values(pairs)) {
      run(pair.cli); // warm the file cache
      run(pair.plain);
    }
  }
  for (let i = 0; i < runs; i++) {
    for (const [name, pair] of Object.entries(pairs)) {
      samples[`${name}-plain`].push(run(pair.plain));
      samples[`${name}-cli`].push(run(pair.cli));
    }
    samples.node.push(run(['-e', '0']));
  }
  const wall = (name) => median(samples[name].map((sample) => sample.ms));
  const cpu = (name) => median(samples[name].map((sample) => sample.cpuMs));
  const loadBefore = loadavg()[0]?.toFixed(1);

  const file = join(dir, 'import.ndjson');
  await new Promise((resolve, reject) => {
    const out = createWriteStream(file);
    out.on('error', reject).on('finish', resolve);
    let i = 0;
    const write = () => {
      let ok = true;
      while (i < importRows && ok) {
        const chunk = [];
        for (let j = 0; j < 10_000 && i < importRows; j++, i++) {
          chunk.push(`{"name":"Person ${i}","email":"person${i}@example.com"}\n`);
        }
        ok = out.write(chunk.join(''));
      }
      if (i < importRows) out.once('drain', write);
      else out.end();
    };
    write();
  });
  const importDb = join(dir, 'import.db');
  const imported = run([cli, 'users', 'import', file, '--json', '--db', importDb]);
  const summary = JSON.parse(imported.stdout);
  if (summary.imported !== importRows) throw new Error(`Imported ${summary.imported} of ${importRows} rows`);
  const peakMb = imported.maxRssKb / 1024;
  const rowsPerSecond = importRows / (imported.ms / 1000);

  const stats = JSON.parse(run([cli, 'users', 'stats', '--json', '--db', importDb]).stdout);
  if (stats.total !== importRows) throw new Error(`users stats counts ${stats.total} users, not ${importRows}`);

  const load = loadavg()[0]?.toFixed(1);
  console.log(`Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}`);
  console.log(`Load average (1 min): ${loadBefore} after the start-up runs, ${load} after the import`);
  console.log(`Medians of ${runs} alternating runs after 3 warm-ups; CPU = user + system time of the child.\n`);
  console.log('| measure | wall | CPU | goal |');
  console.log('| --- | --- | --- | --- |');
  const row = (label, name) => console.log(`| ${label} | ${wall(name).toFixed(0)} ms | ${cpu(name).toFixed(0)} ms | |`);
  const verdict = (value) => (value <= 1.5 ? 'met' : 'MISSED');
  row('`node -e 0` (Node start alone)', 'node');
  for (const [name, flags] of [
    ['page', '--active --json'],
    ['max', '--active --limit 500 --json'],
  ]) {
    row(`plain better-sqlite3 script printing the first ${printed[name]} active users as JSON`, `${name}-plain`);
    row(`\`slicewise users list ${flags}\`, same bytes`, `${name}-cli`);
    const ratio = wall(`${name}-cli`) / wall(`${name}-plain`);
    const cpuRatio = cpu(`${name}-cli`) / cpu(`${name}-plain`);
    console.log(
      `| ratio CLI / plain | **${ratio.toFixed(2)}×** | **${cpuRatio.toFixed(2)}×** | ≤ 1.5× (wall ${verdict(ratio)}, CPU ${verdict(cpuRatio)}) |`,
    );
  }
  console.log(
    `| \`users import\` ${importRows.toLocaleString('en-US')} NDJSON rows, batches of 1,000 (import-users; its events wait in the log for user-stats) | ${(imported.ms / 1000).toFixed(1)} s | ${(imported.cpuMs / 1000).toFixed(1)} s | |`,
  );
  console.log(`| import rate | ${Math.round(rowsPerSecond).toLocaleString('en-US')} rows/s | | |`);
  console.log(`| import peak RSS | ${peakMb.toFixed(0)} MB | | < 150 MB (${peakMb < 150 ? 'met' : 'MISSED'}) |`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
