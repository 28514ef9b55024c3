// The scale-out demo: a local nats-server, host A (users API) and host B (stats), each host on its own SQLite in a
// temporary folder. Host A accepts writes with a bearer token made for this run (printed below, passed to it in
// SLICEWISE_TOKENS). Ctrl-C stops all three and deletes the folder.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startNatsServer } from '@slicewise/nats';

const bin = (name) => fileURLToPath(new URL(`../bin/${name}.js`, import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'slicewise-scale-out-demo-'));
const nats = await startNatsServer({ port: Number(process.env.NATS_PORT ?? 4222) });
const common = { ...process.env, HOST: '127.0.0.1', SLICEWISE_NATS_URL: nats.url, SLICEWISE_NATS_STREAM: 'SLICEWISE' };
const events = '@slicewise/users/UserRegistered,@slicewise/users/UsersRegistered,@slicewise/users/UserDeactivated';
const start = (name, env) => spawn(process.execPath, [bin(name)], { env: { ...common, ...env }, stdio: 'inherit' });
const token = randomBytes(24).toString('base64url');
const tokens = JSON.stringify({ [token]: { id: 'demo', permissions: ['users:write'] } });
const hostA = start('host-a', {
  PORT: '3201',
  SLICEWISE_DB: join(dir, 'a.db'),
  SLICEWISE_NATS_PUBLISH: events,
  SLICEWISE_TOKENS: tokens,
});
const hostB = start('host-b', { PORT: '3202', SLICEWISE_DB: join(dir, 'b.db'), SLICEWISE_NATS_SUBSCRIBE: events });

console.log(`nats-server (JetStream) on ${nats.url}; databases in ${dir}
Try (writes need host A's token):
  TOKEN=${token}
  curl -s -X POST localhost:3201/users -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' -d '{"name":"Ada","email":"ada@example.com"}'
  printf '{"name":"Alan","email":"alan@example.com"}\\n{"name":"Grace","email":"grace@example.com"}' | curl -s -X POST localhost:3201/users/import -H "authorization: Bearer $TOKEN" -H 'content-type: application/x-ndjson' --data-binary @-
  curl -s -X POST localhost:3201/users/1/deactivate -H "authorization: Bearer $TOKEN"
  curl -s localhost:3202/user-stats
  curl -s localhost:3202/readyz        # B's log position and user-stats' lag
  curl -s localhost:3201/openapi.json  # host A's routes (in a browser: http://localhost:3201/docs)
Ctrl-C stops everything.`);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  for (const child of [hostA, hostB]) child.kill('SIGTERM');
  await Promise.all(
    [hostA, hostB].map((child) => (child.exitCode === null ? new Promise((r) => child.once('exit', r)) : null)),
  );
  await nats.stop();
  rmSync(dir, { recursive: true, force: true });
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
for (const child of [hostA, hostB]) child.once('exit', () => void stop());
