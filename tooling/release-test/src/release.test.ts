import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copiesInLock, installedSlicewise, type ProbeSlice, writeOutsideHost } from './outside-host.js';
import { addUser, type LocalRegistry, publishedVersions, startRegistry } from './registry.js';
import { copyWorkspace, publishableVersions, run, shellEnv, slicewisePeers } from './workspace.js';

// The whole release story on a copy of this workspace: generate a second slice, publish every package to a
// local verdaccio, install two slices in a host outside the workspace, release a patch of one slice through
// changesets and show the host upgrades that slice alone.

const root = fileURLToPath(new URL('../../..', import.meta.url));
const probe: ProbeSlice = {
  packageName: '@slicewise/get-release-probes',
  manifest: 'getReleaseProbes',
  request: 'GetReleaseProbes',
  table: 'get_release_probes',
  command: ['get', 'release', 'probes'],
};
const patched = '@slicewise/get-active-users';

let work: string;
let hostDir: string;
let registryDir: string;
let registry: LocalRegistry | undefined;
let publishEnv: NodeJS.ProcessEnv;
let hostEnv: NodeJS.ProcessEnv;

/** Every publishable package of the copy, with the versions the registry holds. */
async function registryContents(): Promise<Record<string, string[]>> {
  const names = Object.keys(publishableVersions(work)).sort();
  const contents: Record<string, string[]> = {};
  for (const name of names) contents[name] = await publishedVersions(registry?.url ?? '', name);
  return contents;
}

const pnpm = (args: string[], env = shellEnv()) => run('pnpm', args, work, env);
const changed = (before: Record<string, string>, after: Record<string, string>) =>
  Object.keys(after).filter((name) => before[name] !== after[name]);
const patchOf = (version: string) => version.replace(/\d+$/, (patch) => String(Number(patch) + 1));
/** Runs the outside host's command line with `--json` on its database; its parsed stdout. */
const hostCli = (...args: string[]) =>
  JSON.parse(run(process.execPath, ['main.js', ...args, '--json'], hostDir, { ...hostEnv, SLICEWISE_DB: hostDb() }));
const hostDb = () => join(hostDir, 'host.db');
/** The outside host's slices and versions, as its CLI lists them. */
const hostSlices = () =>
  Object.fromEntries(
    (hostCli('slices') as { name: string; version: string }[])
      .filter((slice) => slice.name === patched || slice.name === probe.packageName)
      .map((slice) => [slice.name, slice.version]),
  );

/** Writes two users and a probe row into the outside host's database (better-sqlite3 as installed there). */
function seedOutsideHost(): void {
  const script = `const db = new (require('better-sqlite3'))(${JSON.stringify(hostDb())});
db.exec("INSERT INTO users (id, name, email, active) VALUES (1, 'Alice', 'alice@example.com', 1), (2, 'Bob', 'bob@example.com', 0)");
db.exec("INSERT INTO ${probe.table} (name) VALUES ('composed outside the workspace')");
db.close();`;
  run(process.execPath, ['-e', script], hostDir, hostEnv);
}

/** Starts `node main.js serve` (the HTTP host) and resolves with its address once it listens. */
async function serveOutsideHost(): Promise<{ url: string; stop: () => Promise<number | null> }> {
  const child = spawn(process.execPath, ['main.js', 'serve'], {
    cwd: hostDir,
    env: { ...hostEnv, SLICEWISE_DB: hostDb() },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  const stop = () => {
    child.kill('SIGTERM');
    return exited;
  };
  let out = '';
  const url = await new Promise<string | undefined>((resolve) => {
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const found = /http:\/\/127\.0\.0\.1:\d+/.exec(out)?.[0];
      if (found) resolve(found);
    });
    void exited.then(() => resolve(undefined));
  });
  if (!url) throw new Error(`the outside host did not listen: ${out}`);
  return { url, stop };
}

beforeAll(async () => {
  work = copyWorkspace(root);
  hostDir = mkdtempSync(join(tmpdir(), 'slicewise-outside-host-'));
  registryDir = mkdtempSync(join(tmpdir(), 'slicewise-verdaccio-'));
  registry = await startRegistry(registryDir);
  const token = await addUser(registry.url, 'slicewise-release-test');
  const userconfig = join(registryDir, 'npmrc');
  writeFileSync(userconfig, `registry=${registry.url}\n//${new URL(registry.url).host}/:_authToken=${token}\n`);
  publishEnv = shellEnv({ npm_config_userconfig: userconfig, npm_config_registry: registry.url });
  // better-sqlite3 compiles in the host against the Node headers the workspace's npm config names (nodedir).
  const nodedir = run('npm', ['config', 'get', 'nodedir'], root).trim();
  hostEnv = shellEnv({ JOBS: 'max', ...(nodedir && nodedir !== 'undefined' ? { npm_config_nodedir: nodedir } : {}) });

  const git = (...args: string[]) => run('git', ['-c', 'user.name=ci', '-c', 'user.email=ci@127.0.0.1', ...args], work);
  git('init', '-q');
  git('add', '-A');
  git('commit', '-qm', 'copy of the workspace');
  pnpm(['install', '--prefer-offline', '--frozen-lockfile']); // --offline needs pnpm's metadata cache, empty on a new machine
  pnpm(['version-packages']); // releases whatever changesets are pending in the repo, as a baseline
}, 600_000);

afterAll(async () => {
  await registry?.stop();
  for (const dir of [work, hostDir, registryDir]) if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('releasing slices to a registry', () => {
  it('versions a new slice alone, then publishes every package at its version', async () => {
    run(process.execPath, ['tooling/create-slice/bin/create-slice.js', 'get-release-probes', '--no-install'], work);
    pnpm(['install', '--prefer-offline', '--no-frozen-lockfile']); // CI=true would refuse the lock file without the slice
    const before = publishableVersions(work);

    pnpm(['version-packages']);
    const after = publishableVersions(work);
    pnpm(['release'], publishEnv);

    expect(before[probe.packageName]).toBe('0.0.0');
    expect(changed(before, after)).toEqual([probe.packageName]);
    expect(after[probe.packageName]).toBe('0.1.0');
    expect(Object.keys(after).filter((name) => name.startsWith('@slicewise/')).length).toBeGreaterThanOrEqual(6);
    // Minor releases of the mediator, db and shared models stay inside the slices' peer ranges: no slice went 1.0.
    expect(Object.entries(after).filter(([, version]) => !version.startsWith('0.'))).toEqual([]);
    const published = await registryContents();
    expect(published).toEqual(Object.fromEntries(Object.entries(after).map(([name, version]) => [name, [version]])));
  });

  it('installs the adapters and two slices in a host outside the workspace, which serves both over HTTP and a CLI', async () => {
    const versions = publishableVersions(work);
    const wanted = [
      '@slicewise/mediator',
      '@slicewise/db',
      '@slicewise/host',
      '@slicewise/fastify',
      '@slicewise/cli',
      patched,
      probe.packageName,
    ];
    const lines = writeOutsideHost(
      hostDir,
      registry?.url ?? '',
      {
        ...Object.fromEntries(wanted.map((name) => [name, `^${versions[name]}`])),
        fastify: '^5.0.0',
        'reflect-metadata': '^0.2.0',
        typedi: '^0.10.0',
      },
      probe,
    );

    run('npm', ['install', '--no-audit', '--no-fund'], hostDir, hostEnv);
    const installed = installedSlicewise(hostDir);
    // A command migrates only the slices it loads: one command of each slice creates their tables.
    expect(hostCli('users', 'active')).toEqual([]);
    expect(hostCli(...probe.command)).toEqual([]);
    seedOutsideHost();
    const active = hostCli('users', 'active');
    const probes = hostCli(...probe.command);
    const server = await serveOutsideHost();
    const overHttp = await Promise.all(
      ['/active-users', `/${probe.packageName.split('/')[1]}`, '/openapi.json'].map(async (path) => {
        const response = await fetch(`${server.url}${path}`);
        return { status: response.status, body: (await response.json()) as unknown };
      }),
    );
    const exitCode = await server.stop();

    const peers = slicewisePeers(work, wanted); // e.g. @slicewise/users, the model get-active-users requires
    const expected = Object.fromEntries(
      // and the dependencies they bring: errors (of db and mediator), events (of host)
      [...wanted, ...peers, '@slicewise/errors', '@slicewise/events'].sort().map((name) => [name, versions[name]]),
    );
    expect(lines).toBeLessThan(40);
    expect(installed.modules).toEqual(expected);
    expect(installed.lock).toEqual(expected);
    for (const singleton of ['@slicewise/mediator', '@slicewise/db', 'typedi', 'reflect-metadata', 'better-sqlite3']) {
      expect(copiesInLock(hostDir, singleton), singleton).toBe(1);
    }
    expect(active).toEqual([{ id: 1, name: 'Alice', email: 'alice@example.com', active: true }]);
    expect(probes.map((row: { name: string }) => row.name)).toEqual(['composed outside the workspace']);
    expect(overHttp[0]).toEqual({ status: 200, body: active });
    expect(overHttp[1]).toEqual({ status: 200, body: probes });
    const [, , document] = overHttp as [unknown, unknown, { body: { paths: object } }];
    expect(Object.keys(document.body.paths).sort()).toEqual(['/active-users', `/${probe.packageName.split('/')[1]}`]);
    expect(exitCode).toBe(0);
    expect(hostSlices()).toEqual({ [patched]: versions[patched], [probe.packageName]: '0.1.0' });
  });

  it('releases a patch of one slice through changesets, publishing that slice alone', async () => {
    const before = publishableVersions(work);
    const registryBefore = await registryContents();
    writeFileSync(
      join(work, '.changeset', 'patch-get-active-users.md'),
      `---\n'${patched}': patch\n---\n\nDocument that the users are ordered by id.\n`,
    );
    appendFileSync(join(work, 'features', 'get-active-users', 'README.md'), '\nThe users come ordered by `id`.\n');

    pnpm(['version-packages']);
    const after = publishableVersions(work);
    pnpm(['release'], publishEnv);
    const registryAfter = await registryContents();

    expect(changed(before, after)).toEqual([patched]);
    expect(after[patched]).toBe(patchOf(before[patched] ?? ''));
    expect(readFileSync(join(work, 'features', 'get-active-users', 'CHANGELOG.md'), 'utf8')).toMatch(
      /Document that the users are ordered by id/,
    );
    expect(registryAfter).toEqual({ ...registryBefore, [patched]: [before[patched], after[patched]].sort() });
  });

  it('upgrades the outside host to the patched slice alone', () => {
    const before = installedSlicewise(hostDir);
    const sqliteBefore = readFileSync(join(hostDir, 'node_modules', 'better-sqlite3', 'package.json'), 'utf8');
    const newVersion = publishableVersions(work)[patched] ?? '';

    run('npm', ['update', '--no-audit', '--no-fund', '--prefer-online'], hostDir, hostEnv);
    const after = installedSlicewise(hostDir);
    const slices = hostSlices();
    const active = hostCli('users', 'active') as { name: string }[];

    expect(after.modules).toEqual({ ...before.modules, [patched]: newVersion });
    expect(after.lock).toEqual({ ...before.lock, [patched]: newVersion });
    expect(changed(before.lock, after.lock)).toEqual([patched]);
    expect(readFileSync(join(hostDir, 'node_modules', 'better-sqlite3', 'package.json'), 'utf8')).toBe(sqliteBefore);
    expect(slices[patched]).toBe(newVersion);
    expect(active.map((user) => user.name)).toEqual(['Alice']);
  });
});
