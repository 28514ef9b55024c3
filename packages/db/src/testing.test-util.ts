import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { Database, type DatabaseOptions } from './index.js';

/** Where a test database lives: every capability is tested in both. */
export const storages = ['memory', 'file'] as const;

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

/** A fresh database in memory or in a temp file, closed and deleted after the test. */
export function freshDb(storage: (typeof storages)[number] = 'memory', options: DatabaseOptions = {}): Database {
  if (storage === 'memory') {
    const db = new Database(':memory:', options);
    cleanups.push(() => db.close());
    return db;
  }
  const dir = mkdtempSync(join(tmpdir(), 'slicewise-db-'));
  const db = new Database(join(dir, 'test.db'), options);
  cleanups.push(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return db;
}
