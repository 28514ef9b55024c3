import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** What the outside host needs to know about the generated slice it composes besides get-active-users. */
export interface ProbeSlice {
  packageName: string;
  manifest: string;
  request: string;
  table: string;
  /** Its CLI command's words. */
  command: string[];
}

/**
 * Writes a host app into `dir` (outside the workspace): its own .npmrc sends `@slicewise/*` to the local
 * registry, and everything else to the machine's registry. main.js composes the two slices of slices.js and serves
 * them over HTTP (`node main.js serve`, `@slicewise/fastify`, with the host's worker thread composing them too) and
 * as a command line (`node main.js …`, `@slicewise/cli`), on the database `SLICEWISE_DB` names. Returns the number of
 * lines of its code.
 */
export function writeOutsideHost(
  dir: string,
  registryUrl: string,
  dependencies: Record<string, string>,
  probe: ProbeSlice,
): number {
  writeFileSync(join(dir, '.npmrc'), `@slicewise:registry=${registryUrl}\n`);
  writeFileSync(
    join(dir, 'package.json'),
    `${JSON.stringify({ name: 'outside-host', version: '1.0.0', private: true, type: 'module', dependencies }, null, 2)}\n`,
  );
  // The slice list in a module of its own: the host's worker thread imports it too (it would run main.js again).
  const slices = `import { getActiveUsers } from '@slicewise/get-active-users';
import { ${probe.manifest} } from '${probe.packageName}';

export const slices = [getActiveUsers, ${probe.manifest}];
`;
  const main = `import 'reflect-metadata';
import { main } from '@slicewise/cli';
import { slicewise } from '@slicewise/fastify';
import { createHost, resolveDatabasePath } from '@slicewise/host';
import Fastify from 'fastify';
import { slices } from './slices.js';

if (process.argv[2] === 'serve') {
  const worker = { module: new URL('./slices.js', import.meta.url) };
  const host = createHost({ slices, database: resolveDatabasePath(undefined), worker });
  await host.ready; // the worker thread, started from the installed package, composed the same slices
  const app = Fastify();
  await app.register(slicewise, { host, openapi: { title: 'Outside host', version: '1.0.0' } });
  console.log(await app.listen({ host: '127.0.0.1', port: 0 }));
  process.once('SIGTERM', () => app.close().then(() => host.close()));
} else {
  await main({ slices, name: 'outside-host', version: '1.0.0' });
}
`;
  writeFileSync(join(dir, 'slices.js'), slices);
  writeFileSync(join(dir, 'main.js'), main);
  return `${slices}${main}`.trimEnd().split('\n').length;
}

/** The version of every `@slicewise/*` package installed in the host, read from node_modules and the lock file. */
export function installedSlicewise(dir: string): { modules: Record<string, string>; lock: Record<string, string> } {
  const modules: Record<string, string> = {};
  const scope = join(dir, 'node_modules', '@slicewise');
  for (const name of existsSync(scope) ? readdirSync(scope) : []) {
    modules[`@slicewise/${name}`] = JSON.parse(readFileSync(join(scope, name, 'package.json'), 'utf8')).version;
  }
  const lockfile = JSON.parse(readFileSync(join(dir, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { version?: string }>;
  };
  const lock: Record<string, string> = {};
  for (const [path, entry] of Object.entries(lockfile.packages)) {
    const match = /(?:^|\/)node_modules\/(@slicewise\/[^/]+)$/.exec(path);
    if (match?.[1] && entry.version) {
      if (lock[match[1]] !== undefined) throw new Error(`two copies of ${match[1]} in the lock file: ${path}`);
      lock[match[1]] = entry.version;
    }
  }
  return { modules, lock };
}

/** How many copies of a package the host's lock file holds (a host must have exactly one of each singleton). */
export function copiesInLock(dir: string, packageName: string): number {
  const lockfile = JSON.parse(readFileSync(join(dir, 'package-lock.json'), 'utf8')) as { packages: object };
  return Object.keys(lockfile.packages).filter((path) => path.endsWith(`node_modules/${packageName}`)).length;
}
