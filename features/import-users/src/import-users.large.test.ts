import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHost } from '@slicewise/host';
import { describe, expect, it } from 'vitest';
import { type ImportProgress, ImportUsers, importUsers } from './index.js';

const rows = 100_000;
const mib = 1024 * 1024;

/** NDJSON for `count` users, made on demand in 64 KiB chunks: the whole text never exists at once. */
async function* generated(count: number): AsyncGenerator<Uint8Array> {
  const encoder = new TextEncoder();
  let chunk = '';
  for (let i = 1; i <= count; i++) {
    chunk += `{"name":"User ${i}","email":"user${i}@example.com"}\n`;
    if (chunk.length >= 64 * 1024) {
      yield encoder.encode(chunk);
      chunk = '';
    }
  }
  if (chunk) yield encoder.encode(chunk);
}

describe('ImportUsers at scale', () => {
  it(`imports ${rows.toLocaleString('en')} streamed rows into a file database with bounded memory`, async () => {
    const folder = mkdtempSync(join(tmpdir(), 'import-large-'));
    const host = createHost({ slices: [importUsers], database: join(folder, 'large.db') });
    globalThis.gc?.();
    const baseline = process.memoryUsage();
    let peakHeap = baseline.heapUsed;
    let peakRss = baseline.rss;
    let last: ImportProgress | undefined;
    let items = 0;

    for await (const progress of host.mediator.stream(new ImportUsers({ body: generated(rows) }), {
      caller: { id: 'test', permissions: ['users:write'] },
    })) {
      last = progress;
      items++;
      const { heapUsed, rss } = process.memoryUsage();
      peakHeap = Math.max(peakHeap, heapUsed);
      peakRss = Math.max(peakRss, rss);
    }

    expect(last).toEqual({ read: rows, imported: rows, rejected: 0, rejections: [], done: true });
    expect(items).toBe(rows / 1000 + 1);
    expect(host.db.table('users').countWhere()).toBe(rows);
    // Holding the input (~5 MiB of text, ~25 MiB as strings and objects) would not break these bounds on its own;
    // they catch unbounded growth. The 1,000,000-row measurement is `pnpm bench` (see the README).
    expect((peakHeap - baseline.heapUsed) / mib).toBeLessThan(96);
    expect((peakRss - baseline.rss) / mib).toBeLessThan(192);
    host.close();
    rmSync(folder, { recursive: true, force: true });
  }, 120_000); // 100,000 rows through a file database: seconds alone, much longer beside a whole test run on 2 cores
});
