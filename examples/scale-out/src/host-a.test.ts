import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../bin/host-a.js', import.meta.url));
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('host A start-up', () => {
  it('exits 2 on a bad SLICEWISE_TOKENS before opening its database, without printing the token', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'slicewise-scale-out-host-a-'));
    dirs.push(dir);
    const file = join(dir, 'a.db');
    const child = spawn(process.execPath, [bin], {
      env: { ...process.env, HOST: '127.0.0.1', PORT: '0', SLICEWISE_DB: file, SLICEWISE_TOKENS: '{"short": {}}' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let errors = '';
    child.stderr.on('data', (chunk: Buffer) => {
      errors += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    const [code] = await once(child, 'exit');
    clearTimeout(timer);

    expect(code).toBe(2);
    expect(errors).toMatch(/SLICEWISE_TOKENS: token #1 must be 16 to 512 characters/);
    expect(errors).not.toContain('short');
    expect(existsSync(file)).toBe(false);
  });
});
