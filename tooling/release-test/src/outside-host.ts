import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** What the outside host needs to know about the generated slice it composes besides get-active-users. */
export interface ProbeSlice {
  packageName: string;
  manifest: string;
  request: string;
  table: string;
}

/**
 * Writes a host app into `dir` (outside the workspace): its own .npmrc sends `@slicewise/*` to the local
 * registry, and everything else to the machine's registry. main.js composes two slices and answers a query of each.
 */
export function writeOutsideHost(
  dir: string,
  registryUrl: string,
  dependencies: Record<string, string>,
  probe: ProbeSlice,
) {
  writeFileSync(join(dir, '.npmrc'), `@slicewise:registry=${registryUrl}\n`);
  writeFileSync(
    join(dir, 'package.json'),
    `${JSON.stringify({ name: 'outside-host', private: true, type: 'module', dependencies }, null, 2)}\n`,
  );
  writeFileSync(
    join(dir, 'main.js'),
    `import 'reflect-metadata';
import { GetActiveUsers, getActiveUsers } from '@slicewise/get-active-users';
import { createHost } from '@slicewise/host';
import { ${probe.request}, ${probe.manifest} } from '${probe.packageName}';

const slices = [getActiveUsers, ${probe.manifest}];
const host = createHost({ slices, database: ':memory:' });
host.db.table('users').insertAll([
  { id: 1, name: 'Alice', email: 'alice@example.com', active: 1 },
  { id: 2, name: 'Bob', email: 'bob@example.com', active: 0 },
]);
host.db.table('${probe.table}').insert({ name: 'composed outside the workspace' });
const users = await host.mediator.send(new GetActiveUsers());
const probes = await host.mediator.send(new ${probe.request}());
console.log(JSON.stringify({
  slices: Object.fromEntries(slices.map((slice) => [slice.name, slice.version])),
  users,
  probes: probes.map((row) => row.name),
}));
host.close();
`,
  );
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
