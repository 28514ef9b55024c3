import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyWorkspace } from './workspace-copy.js';

const workspace = fileURLToPath(new URL('../../..', import.meta.url));
const bin = 'tooling/create-slice/bin/create-slice.js';
let copy: string;

/** Runs the generator the way `pnpm new:slice` does, in the copy. */
const generate = (...args: string[]) =>
  spawnSync(process.execPath, [bin, ...args], { cwd: copy, encoding: 'utf8', env: { ...process.env } });
/** Runs pnpm in the copy; a failure carries pnpm's output. */
function pnpm(...args: string[]): string {
  try {
    return execFileSync('pnpm', args, {
      cwd: copy,
      encoding: 'utf8',
      stdio: 'pipe',
      env: { ...process.env, NO_COLOR: '1' },
    });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`pnpm ${args.join(' ')} failed:\n${stdout}\n${stderr}`, { cause: error });
  }
}

beforeAll(() => {
  copy = copyWorkspace(workspace, 'slicewise-create-slice-');
});
afterAll(() => {
  if (copy) rmSync(copy, { recursive: true, force: true });
});

describe('pnpm new:slice', () => {
  it('refuses a name that is not kebab-case, writing nothing', () => {
    const result = generate('GetOrders', '--no-install');

    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/"GetOrders" is not kebab-case/);
    expect(readdirSync(join(copy, 'features'))).not.toContain('GetOrders');
  });

  it('refuses a name that is taken by any workspace package', () => {
    const slice = generate('get-active-users', '--no-install');
    const infrastructure = generate('mediator', '--no-install');

    expect(slice.status).toBe(1);
    expect(slice.stderr).toMatch(/features\/get-active-users already exists/);
    expect(infrastructure.status).toBe(1);
    expect(infrastructure.stderr).toMatch(/packages\/mediator already exists/);
  });

  it('prints its usage and exits 2 without a name', () => {
    const result = generate();

    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/Usage: pnpm new:slice <name>/);
  });

  it('scaffolds a slice that lints, typechecks, builds, passes its test and packs cleanly without edits', () => {
    const result = generate('list-orders', '--no-install');
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);

    const dir = join(copy, 'features', 'list-orders');
    for (const file of ['package.json', 'tsconfig.json', 'tsconfig.build.json', 'vitest.config.ts', 'README.md']) {
      expect(existsSync(join(dir, file)), file).toBe(true);
    }
    expect(readFileSync(join(copy, '.changeset', 'list-orders.md'), 'utf8')).toMatch(
      /^---\n'@slicewise\/list-orders': minor\n---/,
    );
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    expect(manifest.peerDependencies).toEqual({
      '@slicewise/mediator': 'workspace:>=0.1.0 <1.0.0',
      '@slicewise/db': 'workspace:>=0.1.0 <1.0.0',
      typedi: '^0.10.0',
    });

    pnpm('install', '--prefer-offline', '--no-frozen-lockfile'); // CI=true would refuse the lock file without the slice
    pnpm('exec', 'biome', 'check', 'features/list-orders', '.changeset');
    pnpm('--filter', '@slicewise/list-orders...', 'run', 'build');
    pnpm('--filter', '@slicewise/list-orders', 'run', 'typecheck');
    const test = pnpm('--filter', '@slicewise/list-orders', 'run', 'test');

    expect(readdirSync(join(dir, 'dist'))).toEqual(expect.arrayContaining(['index.js', 'index.d.ts']));
    expect(test).toMatch(/Tests +3 passed \(3\)/);
    const check = execFileSync(process.execPath, ['scripts/check-packages.js', 'features/list-orders'], {
      cwd: copy,
      encoding: 'utf8',
    });
    expect(check).toMatch(/ok {4}@slicewise\/list-orders \(features\/list-orders\)/);
  });
});
