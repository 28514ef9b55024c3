import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../bin/slicewise-api.js', import.meta.url));
const children: ChildProcess[] = [];
const dirs: string[] = [];

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Starts the built API on a free loopback port and resolves with its address once it listens. */
function start(env: Record<string, string>): Promise<{ child: ChildProcess; base: string }> {
  const child = spawn(process.execPath, [bin], { env: { ...process.env, HOST: '127.0.0.1', PORT: '0', ...env } });
  children.push(child);
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk;
      const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match?.[1]) resolve({ child, base: match[1] });
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk;
    });
    child.on('exit', (code) => reject(new Error(`API exited with ${code} before listening:\n${output}`)));
  });
}

describe('slicewise-api', () => {
  it('starts on the configured database, answers, and exits 0 on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'slicewise-api-'));
    dirs.push(dir);
    const { child, base } = await start({ SLICEWISE_DB: join(dir, 'api.db') });

    expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ status: 'ok' });
    expect(await (await fetch(`${base}/users?active=true`)).json()).toEqual([]);

    const exited = new Promise((resolve) => child.on('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('refuses to start with a clear message when the configuration is invalid', async () => {
    await expect(start({ PORT: 'eighty' })).rejects.toThrow(/PORT must be a whole number from 0 to 65535/);
  });
});
