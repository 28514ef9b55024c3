// The baseline of the start-up benchmark: plain Node + better-sqlite3 printing what `slicewise users list
// --active --json` prints, with no mediator, container, slices or CLI. CommonJS, its fastest form (no ES
// module loader, no export lexing).
const Database = require('better-sqlite3');

const db = new Database(process.argv[2], { readonly: true });
const rows = db.prepare('SELECT id, name, email, active FROM users WHERE active = 1 ORDER BY id').all();
db.close();
const users = rows.map((row) => ({ id: row.id, name: row.name, email: row.email, active: row.active === 1 }));
process.stdout.write(`${JSON.stringify(users, null, 2)}\n`);
