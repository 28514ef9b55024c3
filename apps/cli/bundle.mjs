// Bundles the built CLI (dist/*.js from tsc) into dist/bundle/ for start-up time: one file per entry plus
// one chunk per lazily imported slice, instead of ~150 ES modules (zod alone is ~100) resolved and read one
// by one. Everything but Node built-ins and the better-sqlite3 native addon is bundled, so the CLI holds
// exactly one copy of typedi, the mediator and each slice. Decorators were already compiled by tsc.
import { readFileSync, rmSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rolldown } from 'rolldown';

const root = dirname(fileURLToPath(import.meta.url));

/** Packages read their own name and version with createRequire('../package.json'): inline it. */
const inlineOwnPackageJson = {
  name: 'inline-own-package-json',
  transform(code, id) {
    const pattern = /createRequire\(import\.meta\.url\)\(\s*['"]\.\.\/package\.json['"]\s*\)/g;
    if (!pattern.test(code)) return null;
    const { name, version } = JSON.parse(readFileSync(resolve(dirname(id), '../package.json'), 'utf8'));
    return { code: code.replace(pattern, `(${JSON.stringify({ name, version })})`), map: null };
  },
};

const bundle = await rolldown({
  input: { cli: resolve(root, 'dist/cli.js') },
  platform: 'node',
  cwd: root,
  external: [/^node:/, 'better-sqlite3'],
  plugins: [inlineOwnPackageJson],
  logLevel: 'warn',
});
rmSync(resolve(root, 'dist/bundle'), { recursive: true, force: true }); // no stale chunks of earlier builds
await bundle.write({ dir: resolve(root, 'dist/bundle'), format: 'esm', chunkFileNames: '[name]-[hash].js' });
await bundle.close();
