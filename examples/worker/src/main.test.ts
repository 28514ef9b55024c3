import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../bin/example-worker.js', import.meta.url));

describe('slicewise-example-worker', () => {
  it('serves on an ephemeral 127.0.0.1 port and exits 0 on SIGTERM', async () => {
    const child = spawn(process.execPath, [bin], {
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', SLICEWISE_DB: ':memory:' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const [line] = (await once(child.stdout, 'data')) as [Buffer];
      const base = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(String(line))?.[1];

      const response = await fetch(`${base}/active-users`);

      expect(response.status).toBe(200);
      expect(await response.json()).toEqual([]);
    } finally {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const [code] = await exited;
      expect(code).toBe(0);
    }
  });
});
