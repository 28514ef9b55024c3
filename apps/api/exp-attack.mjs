import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import BetterSqlite3 from 'better-sqlite3';
import http from 'node:http';
const dir = mkdtempSync(join(tmpdir(), 'exp-'));
const db = join(dir, 'api.db');
const port = 40000 + Math.floor(Math.random() * 10000);
const extra = JSON.parse(process.argv[2] ?? '{}');
const child = spawn(process.execPath, ['dist/test-fixtures/server-with-fixtures.js'], { env: { ...process.env, PORT: String(port), LOG_LEVEL: 'warn', SLICEWISE_DB: db, SLICEWISE_TOKENS: '', SLICEWISE_TOKENS_FILE: '', ...extra }, stdio: 'inherit' });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
for (;;) { try { const r = await fetch(`http://127.0.0.1:${port}/healthz`); if (r.ok) break; } catch {} await sleep(50); }
const d = new BetterSqlite3(db); const ins = d.prepare('INSERT INTO users (name,email,active) VALUES (?,?,1)'); d.transaction(() => { for (let i = 0; i < 500; i++) ins.run(`User number ${i}`, `u${i}@example.com`); })(); d.close();
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const once = () => new Promise((res, rej) => { const t = performance.now(); const q = http.request(`http://127.0.0.1:${port}/users/1`, { agent }, (r) => { r.resume(); r.on('end', () => res(performance.now() - t)); }); q.on('error', rej); q.end(); });
await once();
const conns = Number(process.env.CONNS ?? 60), per = Number(process.env.PER ?? 300);
const rss = () => { try { return (Number(/VmRSS:\s+(\d+)/.exec(require('fs').readFileSync(`/proc/${child.pid}/status`,'utf8'))[1])/1024).toFixed(0) } catch { return '?' } };
import { readFileSync } from 'node:fs';
const cpu = () => { const f = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' '); return ((Number(f[11]) + Number(f[12])) / 100).toFixed(1); };
const rssM = () => (Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))[1]) / 1024).toFixed(0);
const socks = [];
const req = 'GET /users?limit=500 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'.repeat(per);
const t0 = performance.now();
for (let i = 0; i < conns; i++) { const s = connect(port, '127.0.0.1'); s.pause(); s.on('error', () => {}); s.write(req); socks.push(s); }
const end = performance.now() + Number(process.env.DUR ?? 8000);
while (performance.now() < end) { const l = await once(); console.log(`${(performance.now() - t0).toFixed(0)}ms probe ${l.toFixed(1)}ms rss ${rssM()}MiB cpu ${cpu()}s load ${readFileSync('/proc/loadavg','utf8').split(' ')[0]}`); await sleep(200); }
socks.forEach((s) => s.destroy()); child.kill('SIGKILL'); process.exit(0);
