import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSlice, SliceNameError } from './create-slice.js';
import { sliceNames } from './names.js';

const usage = `Usage: pnpm new:slice <name> [--no-install]

Scaffolds features/<name> as @slicewise/<name> (a query, its handler, a migration, a test, README) and
.changeset/<name>.md, formats it, then runs pnpm install to link it. <name> is kebab-case, e.g. get-orders.`;

/** The workspace this script belongs to: tooling/create-slice/src → the repository root. */
const workspaceRoot = fileURLToPath(new URL('../../..', import.meta.url));

/**
 * The `pnpm new:slice` command. Returns the exit code: 0 created, 1 invalid or taken name, 2 usage error,
 * 3 created but install failed.
 * @param {string[]} argv
 */
export function main(argv, root = workspaceRoot) {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(usage);
    return 0;
  }
  const flags = argv.filter((arg) => arg.startsWith('-'));
  const names = argv.filter((arg) => !arg.startsWith('-'));
  const unknown = flags.filter((flag) => flag !== '--no-install');
  if (unknown.length > 0 || names.length !== 1) {
    console.error(unknown.length > 0 ? `Unknown option ${unknown[0]}\n\n${usage}` : usage);
    return 2;
  }
  let created;
  try {
    created = createSlice(root, names[0]);
  } catch (error) {
    if (!(error instanceof SliceNameError)) throw error;
    console.error(`Cannot create the slice: ${error.message}`);
    return 1;
  }
  console.log(`Created @slicewise/${names[0]}:\n${created.files.map((file) => `  ${file}`).join('\n')}`);
  if (!flags.includes('--no-install')) {
    const install = spawnSync('pnpm', ['install'], { cwd: root, stdio: 'inherit' });
    if (install.status !== 0) {
      console.error('pnpm install failed: run it again, then build and test the slice');
      return 3;
    }
  }
  const biome = join(root, 'node_modules', '.bin', 'biome');
  if (existsSync(biome)) spawnSync(biome, ['format', '--write', created.dir], { cwd: root, stdio: 'ignore' });
  const { packageName, manifest } = sliceNames(names[0]);
  const install = flags.includes('--no-install') ? 'pnpm install && ' : '';
  console.log(`
Next:
  ${install}pnpm build --filter ${packageName} && pnpm --filter ${packageName} test
  then expose it in a host with one line: its declaration's meta already says its route and command.
    HTTP (apps/api/src/slices.ts):  import { ${manifest} } from '${packageName}';  then add ${manifest} to slices
    CLI  (apps/cli/src/slices.ts):  lazySlice('${packageName}', () => import('${packageName}').then((m) => m.${manifest})),
  and the dependency: pnpm --filter @slicewise/api --filter @slicewise/cli-app add ${packageName}@workspace:^`);
  return 0;
}
