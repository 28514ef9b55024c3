import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { shellEnv } from './workspace.js';

/** A verdaccio running on 127.0.0.1 for one test run. */
export interface LocalRegistry {
  /** `http://127.0.0.1:<port>/` */
  readonly url: string;
  readonly pid: number;
  /** What verdaccio printed, for failure messages. */
  output(): string;
  /** Stops the process by its pid and waits for it to exit. */
  stop(): Promise<void>;
}

/** A port on 127.0.0.1 nothing listens on right now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no TCP port was assigned');
  return address.port;
}

/** The registry this machine's npm uses, read at run time: it becomes verdaccio's uplink. */
export function machineRegistry(): string {
  return execFileSync('npm', ['config', 'get', 'registry'], { encoding: 'utf8', env: shellEnv() }).trim();
}

/** verdaccio's configuration: throwaway storage, no web UI, no audit, `@slicewise/*` served only locally. */
export function verdaccioConfig(dir: string, uplink: string): string {
  return `storage: ${JSON.stringify(join(dir, 'storage'))}
auth:
  htpasswd:
    file: ${JSON.stringify(join(dir, 'htpasswd'))}
    max_users: 10
uplinks:
  machine:
    url: ${JSON.stringify(uplink)}
packages:
  '@slicewise/*':
    access: $all
    publish: $authenticated
  '**':
    access: $all
    publish: $authenticated
    proxy: machine
middlewares:
  audit:
    enabled: false
web:
  enable: false
log: { type: stdout, format: pretty, level: warn }
`;
}

/** Starts verdaccio on 127.0.0.1 with its storage in `dir`, and resolves once it answers `/-/ping`. */
export async function startRegistry(dir: string): Promise<LocalRegistry> {
  const config = join(dir, 'config.yaml');
  writeFileSync(config, verdaccioConfig(dir, machineRegistry()));
  const port = await freePort();
  const bin = createRequire(import.meta.url).resolve('verdaccio/bin/verdaccio');
  const child: ChildProcess = spawn(process.execPath, [bin, '--config', config, '--listen', `127.0.0.1:${port}`], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1' },
  });
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const pid = child.pid;
  if (pid === undefined) throw new Error('verdaccio did not start');
  // Should the test runner itself be stopped before afterAll, verdaccio goes with it.
  const killOnExit = () => child.exitCode === null && process.kill(pid, 'SIGKILL');
  process.once('exit', killOnExit);
  const registry: LocalRegistry = {
    url: `http://127.0.0.1:${port}/`,
    pid,
    output: () => output,
    async stop() {
      process.off('exit', killOnExit);
      if (child.exitCode !== null || child.signalCode !== null) return;
      process.kill(pid, 'SIGTERM');
      const timeout = setTimeout(() => process.kill(pid, 'SIGKILL'), 5_000);
      await exited;
      clearTimeout(timeout);
    },
  };
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`verdaccio exited with ${child.exitCode}:\n${output}`);
    try {
      if ((await fetch(`${registry.url}-/ping`)).ok) return registry;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await registry.stop();
  throw new Error(`verdaccio did not answer on ${registry.url} within 30 s:\n${output}`);
}

/** Creates a registry user and returns its token (`PUT /-/user/org.couchdb.user:<name>`). */
export async function addUser(registryUrl: string, name: string): Promise<string> {
  const response = await fetch(`${registryUrl}-/user/org.couchdb.user:${name}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      name,
      password: `${name}-password`,
      type: 'user',
      roles: [],
      date: new Date().toISOString(),
    }),
  });
  const body = (await response.json()) as { token?: string };
  if (!response.ok || !body.token)
    throw new Error(`could not add user ${name}: ${response.status} ${JSON.stringify(body)}`);
  return body.token;
}

/** The versions of a package the registry holds, sorted; empty when it has none. */
export async function publishedVersions(registryUrl: string, packageName: string): Promise<string[]> {
  const response = await fetchRetrying(`${registryUrl}${packageName.replace('/', '%2f')}`);
  if (response.status === 404) return [];
  if (!response.ok) throw new Error(`GET ${packageName}: ${response.status}`);
  const body = (await response.json()) as { versions?: Record<string, unknown> };
  return Object.keys(body.versions ?? {}).sort();
}

/** fetch, retried twice when verdaccio closes a kept-alive connection under the request ("other side closed"). */
async function fetchRetrying(url: string): Promise<Response> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fetch(url, { headers: { accept: 'application/json' } });
    } catch (error) {
      if (attempt === 3) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
