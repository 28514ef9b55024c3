// `pnpm bench:cli`: start-up of `slicewise users list --active --json` on 10,000 users against a plain
// better-sqlite3 script printing the same JSON, and a 1,000,000-row import (rows/s, peak RSS).
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
const cli = here('../bin/slicewise.js');
const fixtureCli = here('../dist/bundle/fixture-cli.js');
const plain = here('./plain-list.cjs');
const usage = here('./usage.mjs');
const runs = Number(process.env.BENCH_RUNS ?? 21);
const importRows = Number(process.env.BENCH_IMPORT_ROWS ?? 1_000_000);

const dir = mkdtempSync(join(tmpdir(), 'slicewise-bench-'));
const { SLICEWISE_DB, INIT_CWD, ...env } = process.env;

let measured = 0;
/** Runs `node [args]`, measuring wall time in this process and CPU time and peak RSS in the child. */
function run(args) {
  const usageFile = join(dir, `usage-${++measured}.json`);
  const started = performance.now();
  const result = spawnSync(process.execPath, ['--import', usage, ...args], {
    cwd: dir,
    env: { ...env, SLICEWISE_BENCH_USAGE_FILE: usageFile },
    maxBuffer: 1 << 28,
  });
  const ms = performance.now() - started;
  if (result.status !== 0) throw new Error(`${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  const { cpuMs, maxRssKb } = JSON.parse(readFileSync(usageFile, 'utf8'));
  return { ms, cpuMs, maxRssKb, stdout: result.stdout.toString(), stderr: result.stderr.toString() };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

try {
  const db = join(dir, 'bench.db');
  run([cli, 'db', 'seed', '--count', '10000', '--db', db]);
  const viaCli = [cli, 'users', 'list', '--active', '--json', '--db', db];
  const viaPlain = [plain, db];
  const expected = run(viaPlain).stdout;
  if (run(viaCli).stdout !== expected) throw new Error('The CLI and the plain script print different JSON');

  const samples = { cli: [], plain: [], node: [] };
  for (let i = 0; i < 3; i++) {
    run(viaCli); // warm the file cache
    run(viaPlain);
  }
  for (let i = 0; i < runs; i++) {
    samples.plain.push(run(viaPlain));
    samples.cli.push(run(viaCli));
    samples.node.push(run(['-e', '0']));
  }
  const wall = (name) => median(samples[name].map((sample) => sample.ms));
  const cpu = (name) => median(samples[name].map((sample) => sample.cpuMs));
  const users = JSON.parse(expected).length;

  const file = join(dir, 'import.csv');
  await new Promise((resolve, reject) => {
    const out = createWriteStream(file);
    out.on('error', reject).on('finish', resolve);
    let i = 0;
    const write = () => {
      let ok = true;
      while (i < importRows && ok) {
        const chunk = [];
        for (let j = 0; j < 10_000 && i < importRows; j++, i++) chunk.push(`Person ${i},person${i}@example.com\n`);
        ok = out.write(chunk.join(''));
      }
      if (i < importRows) out.once('drain', write);
      else out.end();
    };
    write();
  });
  const imported = run([fixtureCli, 'people', 'import', file, '--json', '--db', join(dir, 'import.db')]);
  const summary = JSON.parse(imported.stdout);
  if (summary.imported !== importRows) throw new Error(`Imported ${summary.imported} of ${importRows} rows`);
  const peakMb = imported.maxRssKb / 1024;
  const rowsPerSecond = importRows / (imported.ms / 1000);

  const ratio = wall('cli') / wall('plain');
  const cpuRatio = cpu('cli') / cpu('plain');
  const load = loadavg()[0]?.toFixed(1);
  console.log(
    `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}, load average ${load}`,
  );
  console.log(`Medians of ${runs} alternating runs after 3 warm-ups; CPU = user + system time of the child.\n`);
  console.log('| measure | wall | CPU | goal |');
  console.log('| --- | --- | --- | --- |');
  const row = (label, name) => console.log(`| ${label} | ${wall(name).toFixed(0)} ms | ${cpu(name).toFixed(0)} ms | |`);
  row('`node -e 0` (Node start alone)', 'node');
  row(`plain better-sqlite3 script printing ${users.toLocaleString('en-US')} active users as JSON`, 'plain');
  row('`slicewise users list --active --json`, same bytes', 'cli');
  const verdict = (value) => (value <= 1.5 ? 'met' : 'MISSED');
  console.log(
    `| ratio CLI / plain | **${ratio.toFixed(2)}×** | **${cpuRatio.toFixed(2)}×** | ≤ 1.5× (wall ${verdict(ratio)}, CPU ${verdict(cpuRatio)}) |`,
  );
  console.log(
    `| import ${importRows.toLocaleString('en-US')} rows, batches of 1,000 (fixture import slice) | ${(imported.ms / 1000).toFixed(1)} s | ${(imported.cpuMs / 1000).toFixed(1)} s | |`,
  );
  console.log(`| import rate | ${Math.round(rowsPerSecond).toLocaleString('en-US')} rows/s | | |`);
  console.log(`| import peak RSS | ${peakMb.toFixed(0)} MB | | < 150 MB (${peakMb < 150 ? 'met' : 'MISSED'}) |`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
