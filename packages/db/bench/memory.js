// Child process of run.js: inserts a generator of 1,000,000 rows and reports the peak memory above the
// baseline taken just before, sampled every 10,000 rows. A clean process keeps the baseline honest.
import { Database } from '../dist/index.js';

const file = process.argv[2];
const total = 1_000_000;
const db = new Database(file);
globalThis.gc?.();
const base = process.memoryUsage();
let peakRss = 0;
let peakHeap = 0;

function sample() {
  const now = process.memoryUsage();
  peakRss = Math.max(peakRss, now.rss - base.rss);
  peakHeap = Math.max(peakHeap, now.heapUsed - base.heapUsed);
}

function* generate() {
  for (let i = 0; i < total; i++) {
    if (i % 10_000 === 0) sample();
    yield { id: i + 1, name: `user ${i}`, email: `user${i}@example.com`, score: i * 1.5, group_id: i % 2000 };
  }
}

db.table('users').insertAll(generate(), { pk: 'id' });
sample();
const count = db.table('users').count;
db.close();
if (count !== total) throw new Error(`inserted ${count} rows, expected ${total}`);
process.stdout.write(JSON.stringify({ peakRssMb: peakRss / 2 ** 20, peakHeapMb: peakHeap / 2 ** 20 }));
