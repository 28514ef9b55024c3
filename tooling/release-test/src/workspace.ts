import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * The environment of a user's shell: this process's, minus what pnpm and vitest set for the script running
 * this test (`npm_*`, `PNPM_*`, `VITEST*`), plus `extra`.
 */
export function shellEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(npm_|pnpm_|vitest|init_cwd$|node_env$|tinypool)/i.test(key)) env[key] = value;
  }
  return { ...env, NO_COLOR: '1', FORCE_COLOR: '0', ...extra };
}

/** Runs a command to completion; on failure the error carries its output. */
export function run(command: string, args: readonly string[], cwd: string, env = shellEnv()): string {
  try {
    return execFileSync(command, args, { cwd, env, encoding: 'utf8', stdio: 'pipe', maxBuffer: 64 << 20 });
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(' ')} failed in ${cwd}:\n${stdout}\n${stderr}`, { cause: error });
  }
}

/**
 * Copies the files git tracks (plus new, not ignored ones) of the workspace at `root` into a new temporary
 * folder: the test versions and publishes that copy, so the real repository never changes.
 */
export function copyWorkspace(root: string): string {
  const target = mkdtempSync(join(tmpdir(), 'slicewise-release-'));
  const files = run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], root)
    .split('\0')
    .filter((file) => file !== '' && existsSync(join(root, file)));
  for (const file of files) {
    mkdirSync(dirname(join(target, file)), { recursive: true });
    cpSync(join(root, file), join(target, file));
  }
  return target;
}

/** Name → version of every publishable (not private) package under packages/ and features/. */
export function publishableVersions(root: string): Record<string, string> {
  const versions: Record<string, string> = {};
  for (const folder of ['packages', 'features']) {
    for (const name of readdirSync(join(root, folder))) {
      const file = join(root, folder, name, 'package.json');
      if (!existsSync(file)) continue;
      const manifest = JSON.parse(readFileSync(file, 'utf8')) as { name: string; version: string; private?: boolean };
      if (!manifest.private) versions[manifest.name] = manifest.version;
    }
  }
  return versions;
}

/** The @slicewise packages the given packages take as peer dependencies (npm installs them with them). */
export function slicewisePeers(root: string, names: readonly string[]): string[] {
  const peers = new Set<string>();
  for (const folder of ['packages', 'features']) {
    for (const name of readdirSync(join(root, folder))) {
      const file = join(root, folder, name, 'package.json');
      if (!existsSync(file)) continue;
      const manifest = JSON.parse(readFileSync(file, 'utf8')) as {
        name: string;
        peerDependencies?: Record<string, string>;
      };
      if (!names.includes(manifest.name)) continue;
      for (const peer of Object.keys(manifest.peerDependencies ?? {})) {
        if (peer.startsWith('@slicewise/') && !names.includes(peer)) peers.add(peer);
      }
    }
  }
  return [...peers];
}

/** The folder names under features/: the slices. */
export function sliceFolders(root: string): string[] {
  return readdirSync(join(root, 'features')).filter((name) => existsSync(join(root, 'features', name, 'package.json')));
}
