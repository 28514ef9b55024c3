import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanUp, start, tempDir } from './api-process.test-util.js';

afterEach(cleanUp);

describe('slicewise-api', () => {
  it('starts on the configured database, logs JSON, answers, and exits 0 on SIGTERM', async () => {
    const dir = tempDir();
    const { child, base, output } = await start({ SLICEWISE_DB: join(dir, 'api.db') });

    expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ status: 'ok' });
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    const document = (await (await fetch(`${base}/openapi.json`)).json()) as { openapi: string };
    expect(document.openapi).toBe('3.1.0');

    const exited = new Promise((resolve) => child.on('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const lines = output()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { msg: string; requestId?: string });
    expect(lines.map((line) => line.msg)).toEqual(
      expect.arrayContaining(['slicewise http ready', 'shutdown complete: database closed']),
    );
    expect(lines.filter((line) => line.msg === 'request completed').every((line) => line.requestId)).toBe(true);
  });

  it('serves the user slices: list, register with a token, get, deactivate, stats', async () => {
    const dir = tempDir();
    const token = 'test-token-0123456789abcdef';
    const tokens = JSON.stringify({ [token]: { id: 'ada', permissions: ['users:write'] } });
    const { child, base } = await start({ SLICEWISE_DB: join(dir, 'api.db'), SLICEWISE_TOKENS: tokens });
    const write = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
    const register = (name: string, email: string, headers: Record<string, string> = write) =>
      fetch(`${base}/users`, { method: 'POST', headers, body: JSON.stringify({ name, email }) });

    const anonymous = await register('Eve', 'eve@example.com', { 'content-type': 'application/json' });
    const alice = await register('  Alice ', 'Alice@Example.com');
    const bob = await register('Bob', 'bob@example.com');
    const again = await register('Alice Again', 'alice@example.com');
    const bobId = ((await bob.json()) as { id: number }).id;
    const deactivated = await fetch(`${base}/users/${bobId}/deactivate`, {
      method: 'POST',
      headers: { authorization: write.authorization },
    });

    expect(anonymous.status).toBe(401);
    expect(alice.status).toBe(201);
    expect(await alice.json()).toMatchObject({ name: 'Alice', email: 'alice@example.com', active: true });
    expect(again.status).toBe(409);
    expect(deactivated.status).toBe(200);
    expect(await (await fetch(`${base}/users?active=true`)).json()).toEqual([
      { id: 1, name: 'Alice', email: 'alice@example.com', active: true },
    ]);
    expect(await (await fetch(`${base}/users/${bobId}`)).json()).toMatchObject({ name: 'Bob', active: false });
    expect((await fetch(`${base}/users/999`)).status).toBe(404);
    expect(await (await fetch(`${base}/user-stats`)).json()).toMatchObject({ total: 2, active: 1 });
    // Two registrations and a deactivation went to the event log; user-stats, composed here, has handled them.
    expect(await (await fetch(`${base}/readyz`)).json()).toEqual({
      status: 'ready',
      events: {
        position: 3,
        subscriptions: [{ name: '@slicewise/user-stats/count-users', position: 3, lag: 0, parked: 0 }],
      },
    });
    child.kill('SIGTERM');
  });

  it('refuses to start with a clear message when the configuration is invalid', async () => {
    await expect(start({ PORT: 'eighty', REQUEST_TIMEOUT_MS: '-5' })).rejects.toThrow(
      /PORT must be a whole number from 0 to 65535[\s\S]*REQUEST_TIMEOUT_MS must be a whole number/,
    );
  });

  it('refuses to start when the tokens file is invalid, without printing a token', async () => {
    const file = join(tempDir(), 'tokens.json');
    writeFileSync(file, JSON.stringify({ 'short-secret': { id: 'ada', permissions: ['users:write'] } }));

    const failure = start({ SLICEWISE_TOKENS_FILE: file, SLICEWISE_DB: ':memory:' });

    await expect(failure).rejects.toThrow(/token #1 must be 16 to 512 characters/);
    await expect(failure).rejects.not.toThrow(/short-secret/);
  });

  it('authenticates with the tokens of SLICEWISE_TOKENS_FILE and SLICEWISE_TOKENS', async () => {
    const file = join(tempDir(), 'tokens.json');
    const fromFile = 'a-long-random-token-from-the-file';
    const fromEnv = 'a-long-random-token-from-the-env';
    writeFileSync(file, JSON.stringify({ [fromFile]: { id: 'ada', permissions: ['users:write'] } }));
    const { base } = await start({
      SLICEWISE_TOKENS_FILE: file,
      SLICEWISE_TOKENS: JSON.stringify({ [fromEnv]: { id: 'rita', permissions: [] } }),
      SLICEWISE_DB: ':memory:',
    });
    const register = (token: string, name: string) =>
      fetch(`${base}/users`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ name, email: `${name}@example.com` }),
      });

    expect((await register(fromFile, 'ada')).status).toBe(201);
    expect((await register(fromEnv, 'rita')).status).toBe(403);
    expect((await register('an-unknown-token-of-some-length', 'eve')).status).toBe(401);
  });

  it("documents the API with its package's real version", async () => {
    const { base } = await start({ SLICEWISE_DB: ':memory:' });
    const document = (await (await fetch(`${base}/openapi.json`)).json()) as { info: { version: string } };
    const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };

    expect(document.info.version).toBe(version);
    expect(version).not.toBe('0.0.0');
  });
});
