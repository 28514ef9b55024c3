import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser, type LocalRegistry, publishedVersions, startRegistry } from './registry.js';

let dir: string;
let registry: LocalRegistry | undefined;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'slicewise-verdaccio-'));
  registry = await startRegistry(dir);
});
afterAll(async () => {
  await registry?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('startRegistry', () => {
  it('serves on 127.0.0.1 and creates a user with a token', async () => {
    expect(registry?.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);

    const token = await addUser(registry?.url ?? '', 'slicewise-ci');

    expect(token.length).toBeGreaterThan(10);
    await expect(publishedVersions(registry?.url ?? '', '@slicewise/db')).resolves.toEqual([]);
  });

  it('stops by pid, after which nothing answers', async () => {
    const url = registry?.url ?? '';
    await registry?.stop();

    expect(() => process.kill(registry?.pid ?? 0, 0)).toThrow();
    await expect(fetch(`${url}-/ping`)).rejects.toThrow();
  });
});
