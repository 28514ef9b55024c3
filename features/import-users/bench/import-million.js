// Imports a generated NDJSON file of N users (default 1,000,000) into a file database, streaming, and prints
// rows/s and peak memory. Run `pnpm --filter @slicewise/import-users bench [-- N]` after a build.
import 'reflect-metadata';
import { once } from 'node:events';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHost } from '@slicewise/host';
import { defineSlice, on } from '@slicewise/mediator';
import { ImportUsers, importUsers, UserRegistered } from '../dist/index.js';

const rows = Number(process.argv[2] ?? 1_000_000);
const folder = mkdtempSync(join(tmpdir(), 'import-bench-'));
const file = join(folder, 'users.ndjson');
const mib = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

async function generate() {
  const out = createWriteStream(file);
  for (let i = 1; i <= rows; i++) {
    const line = i % 1000 === 0 ? '{"name": "broken",\n' : `{"name":"User ${i}","email":"user${i}@example.com"}\n`;
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

let notified = 0;
class CountRegistrations {
  static inject = [];
  handle() {
    notified++;
  }
}
const counter = defineSlice({ name: 'bench-counter', handlers: [on(UserRegistered, CountRegistrations)] });

try {
  await generate();
  const baseline = process.memoryUsage().rss;
  let peakRss = baseline;
  let peakHeap = 0;
  const sample = () => {
    const { rss, heapUsed } = process.memoryUsage();
    peakRss = Math.max(peakRss, rss);
    peakHeap = Math.max(peakHeap, heapUsed);
  };
  const timer = setInterval(sample, 50);
  const host = createHost({
    slices: [importUsers, counter],
    database: process.env.BENCH_DB ?? join(folder, 'bench.db'),
  });
  const started = performance.now();
  let last;
  for await (const progress of host.mediator.stream(new ImportUsers({ file }), {
    caller: { id: 'bench', permissions: ['users:write'] },
  })) {
    last = progress;
    if (progress.read % 100_000 === 0) sample();
  }
  const seconds = (performance.now() - started) / 1000;
  sample();
  clearInterval(timer);
  const count = host.db.table('users').countWhere();
  host.close();
  console.log(
    JSON.stringify(
      {
        rows,
        fileSize: mib(statSync(file).size),
        imported: last.imported,
        rejected: last.rejected,
        usersInTable: count,
        notified,
        seconds: Number(seconds.toFixed(2)),
        rowsPerSecond: Math.round(last.read / seconds),
        baselineRss: mib(baseline),
        peakRss: mib(peakRss),
        peakRssGrowth: mib(peakRss - baseline),
        peakHeapUsed: mib(peakHeap),
      },
      null,
      2,
    ),
  );
} finally {
  rmSync(folder, { recursive: true, force: true });
}
