// The baseline of the start-up benchmark: plain Node + better-sqlite3 printing what `slicewise users list
// --active --limit N --json` prints (ListUsers' page: the first N active users by id, N = 50 by default), with no
// mediator, container, slices, validation or CLI. CommonJS, its fastest form (no ES module loader, no export
// lexing). Usage: node plain-list.cjs <db> [limit]
const Database = require('better-sqlite3');

const db = new Database(process.argv[2], { readonly: true });
const limit = Number(process.argv[3] ?? 50);
const rows = db
  .prepare('SELECT id, name, email, active FROM users WHERE active = 1 ORDER BY id LIMIT ? OFFSET 0')
  .all(limit);
db.close();
const users = rows.map((row) => ({ id: row.id, name: row.name, email: row.email, active: row.active === 1 }));
process.stdout.write(`${JSON.stringify(users, null, 2)}\n`);
