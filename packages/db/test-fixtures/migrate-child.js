// Child process of migrations.test.ts: waits for a shared start time, then applies a slow migration set to
// the same file as its sibling, and prints the names it applied. Runs the built package (dist).
import { Database, Migrations } from '../dist/index.js';

const [file, startAt] = process.argv.slice(2);
const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
const migrations = new Migrations('race', [
  { name: '001-create', up: 'CREATE TABLE runs (pid INTEGER)' },
  {
    name: '002-slow',
    up: (db) => {
      sleep(300);
      db.execute('INSERT INTO runs (pid) VALUES (?)', [process.pid]);
    },
  },
]);

const db = new Database(file, { busyTimeout: 10_000 });
while (Date.now() < Number(startAt)) sleep(5);
const applied = migrations.apply(db);
db.close();
process.stdout.write(JSON.stringify({ pid: process.pid, applied }));
