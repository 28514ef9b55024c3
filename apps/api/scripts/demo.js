// `pnpm api:demo`: writes a fresh random demo token to ./data/api-tokens.json (never a token in the code),
// prints how to use it, then starts the API with SLICEWISE_TOKENS_FILE pointing at it.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(process.env.INIT_CWD || process.cwd());
const file = join(root, 'data', 'api-tokens.json');
const token = randomBytes(24).toString('base64url');
mkdirSync(join(root, 'data'), { recursive: true });
writeFileSync(file, `${JSON.stringify({ [token]: { id: 'demo', permissions: ['*'] } }, null, 2)}\n`, { mode: 0o600 });

const port = process.env.PORT || '3000';
const base = `http://127.0.0.1:${port}`;
console.log(`Demo token (grants every permission), written to ${file}:

  ${token}

Try:
  curl -s ${base}/openapi.json
  open ${base}/docs
  curl -s -H 'authorization: Bearer ${token}' ${base}/readyz
`);

const bin = fileURLToPath(new URL('../bin/slicewise-api.js', import.meta.url));
const child = spawn(process.execPath, [bin], {
  stdio: 'inherit',
  env: { ...process.env, SLICEWISE_TOKENS_FILE: file, PORT: port },
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code) => process.exit(code ?? 0));
