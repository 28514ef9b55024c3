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

/** Runs host A with `env` on a database file of its own; resolves with its exit code, stderr and that file. */
async function startHostA(env: Record<string, string>): Promise<{ code: unknown; errors: string; file: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'slicewise-scale-out-host-a-'));
  dirs.push(dir);
  const file = join(dir, 'a.db');
  const child = spawn(process.execPath, [bin], {
    env: { ...process.env, HOST: '127.0.0.1', PORT: '0', SLICEWISE_DB: file, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let errors = '';
  child.stderr.on('data', (chunk: Buffer) => {
    errors += chunk;
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  const [code] = await once(child, 'exit');
  clearTimeout(timer);
  return { code, errors, file };
}

describe('host A start-up', () => {
  it('exits 2 on a bad SLICEWISE_TOKENS before opening its database, without printing the token', async () => {
    const { code, errors, file } = await startHostA({ SLICEWISE_TOKENS: '{"short": {}}' });

    expect(code).toBe(2);
    expect(errors).toMatch(/SLICEWISE_TOKENS: token #1 must be 16 to 512 characters/);
    expect(errors).not.toContain('short');
    expect(existsSync(file)).toBe(false);
  });

  it.each([
    [
      'SLICEWISE_NATS_MAX_AGE_DAYS',
      '7d',
      /^SLICEWISE_NATS_MAX_AGE_DAYS must be a whole number of days from 1 to 3650: got 7d$/m,
    ],
    ['SLICEWISE_NATS_STREAM', 'a b', /^SLICEWISE_NATS_STREAM must be letters, digits, _ or -: got a b$/m],
  ])('exits 2 with one line on a bad %s, before opening its database', async (variable, value, message) => {
    const { code, errors, file } = await startHostA({ SLICEWISE_NATS_URL: 'nats://127.0.0.1:1', [variable]: value });

    expect(code).toBe(2);
    expect(errors).toMatch(message);
    expect(errors).not.toMatch(/\s+at /); // no stack trace
    expect(existsSync(file)).toBe(false);
  });
});
