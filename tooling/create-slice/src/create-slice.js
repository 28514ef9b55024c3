import { copyFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { nameProblem, sliceNames } from './names.js';
import * as templates from './templates.js';

/** The workspace roots whose folder names are package names (`@slicewise/<folder>`). */
const roots = ['packages', 'features', 'apps', 'tooling', 'examples'];

/** A slice that cannot be created; the message says why. */
export class SliceNameError extends Error {}

/** Why `name` cannot be created in the workspace at `root`, or undefined. */
export function sliceNameProblem(root, name) {
  const problem = nameProblem(name);
  if (problem) return problem;
  for (const folder of roots) {
    const dir = join(root, folder);
    if (existsSync(dir) && readdirSync(dir).includes(name)) {
      return `${folder}/${name} already exists: @slicewise/${name} is taken, pick another name`;
    }
  }
  if (existsSync(join(root, '.changeset', `${name}.md`))) return `.changeset/${name}.md already exists`;
  return undefined;
}

/**
 * Writes `features/<name>` (package.json, tsconfigs, vitest config, src/index.ts, src/<name>.ts, migrations,
 * a test, README and LICENSE) and `.changeset/<name>.md` into the workspace at `root`.
 * Throws {@link SliceNameError} for an invalid or taken name, before writing anything.
 * @returns {{ dir: string, files: string[] }} the slice folder and every file written, relative to `root`
 */
export function createSlice(root, name) {
  const problem = sliceNameProblem(root, name);
  if (problem) throw new SliceNameError(problem);
  const n = sliceNames(name);
  const dir = join('features', name);
  /** @type {Record<string, string>} */
  const files = {
    [join(dir, 'package.json')]: templates.packageJson(n),
    [join(dir, 'tsconfig.json')]: templates.tsconfigJson(),
    [join(dir, 'tsconfig.build.json')]: templates.tsconfigBuildJson(),
    [join(dir, 'vitest.config.ts')]: templates.vitestConfig(),
    [join(dir, 'src', 'index.ts')]: templates.index(n),
    [join(dir, 'src', `${name}.ts`)]: templates.useCase(n),
    [join(dir, 'src', 'migrations.ts')]: templates.migrations(n),
    [join(dir, 'src', `${name}.test.ts`)]: templates.test(n),
    [join(dir, 'README.md')]: templates.readme(n),
    [join('.changeset', `${name}.md`)]: templates.changeset(n),
  };
  mkdirSync(join(root, dir, 'src'), { recursive: true });
  mkdirSync(join(root, '.changeset'), { recursive: true });
  for (const [file, text] of Object.entries(files)) writeFileSync(join(root, file), text);
  copyFileSync(join(root, 'LICENSE'), join(root, dir, 'LICENSE'));
  return { dir, files: [...Object.keys(files), join(dir, 'LICENSE')].sort() };
}
