// `pnpm check:packages`: packs every publishable workspace package the way `pnpm publish` would, then checks
// the tarball with publint (strict) and attw (esm-only profile), and our own rules for what a package ships.
// `node scripts/check-packages.js features/x` checks only the folders given.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const run = (cmd, args, cwd = root) => execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: 'pipe' });
const bin = (name) => join(root, 'node_modules', '.bin', name);

/** Our rules, checked on the packed package.json and file list. Returns the problems found. */
export function packageProblems(folder, manifest, files) {
  const problems = [];
  for (const file of ['package/README.md', 'package/LICENSE', 'package/dist/index.js', 'package/dist/index.d.ts']) {
    if (!files.includes(file)) problems.push(`the tarball has no ${file.slice('package/'.length)}`);
  }
  if (manifest.license !== 'MIT') problems.push('license must be MIT');
  if (manifest.publishConfig?.access !== 'public') problems.push('publishConfig.access must be "public"');
  for (const field of ['dependencies', 'peerDependencies']) {
    for (const [name, range] of Object.entries(manifest[field] ?? {})) {
      if (/^(workspace|catalog):/.test(range)) problems.push(`${field}.${name} was published as ${range}`);
    }
  }
  if (folder.startsWith('features/')) {
    for (const peer of ['@slicewise/mediator', '@slicewise/db', 'typedi']) {
      if (!manifest.peerDependencies?.[peer]) problems.push(`a slice takes ${peer} as a peer dependency`);
      if (manifest.dependencies?.[peer]) problems.push(`${peer} must not be a dependency of a slice`);
    }
  }
  return problems;
}

function main(only) {
  const projects = JSON.parse(run('pnpm', ['ls', '-r', '--depth', '-1', '--json']))
    .filter((project) => !project.private && project.path !== root.replace(/\/$/, ''))
    .filter((project) => only.length === 0 || only.includes(relative(root, project.path)))
    .sort((a, b) => a.name.localeCompare(b.name));
  const out = mkdtempSync(join(tmpdir(), 'slicewise-pack-'));
  let failed = 0;
  try {
    for (const project of projects) {
      const folder = relative(root, project.path);
      const problems = [];
      try {
        const packed = JSON.parse(run('pnpm', ['pack', '--json', '--pack-destination', out], project.path));
        const tarball = packed.filename;
        const files = run('tar', ['-tzf', tarball]).split('\n').filter(Boolean);
        const manifest = JSON.parse(run('tar', ['-xzOf', tarball, 'package/package.json']));
        problems.push(...packageProblems(folder, manifest, files));
        for (const [tool, args] of [
          ['publint', ['run', tarball, '--strict']],
          ['attw', [tarball, '--profile', 'esm-only', '--format', 'ascii', '--no-color', '--no-emoji']],
        ]) {
          try {
            run(bin(tool), args);
          } catch (error) {
            problems.push(`${tool}:\n${error.stdout}${error.stderr}`);
          }
        }
      } catch (error) {
        problems.push(`could not pack: ${error.stderr || error.message}`);
      }
      if (problems.length === 0) console.log(`ok    ${project.name} (${folder})`);
      else {
        failed++;
        console.error(`FAIL  ${project.name} (${folder})\n${problems.map((p) => `  - ${p}`).join('\n')}`);
      }
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  if (projects.length === 0 || (only.length > 0 && projects.length !== only.length)) {
    console.error(`no publishable package found${only.length > 0 ? ` in ${only.join(', ')}` : ''}`);
    process.exitCode = 1;
  } else if (failed > 0) process.exitCode = 1;
  else console.log(`${projects.length} packages: publint and attw (esm-only) are clean`);
}

if (process.argv[1] === fileURLToPath(import.meta.url))
  main(process.argv.slice(2).map((arg) => arg.replace(/\/$/, '')));
