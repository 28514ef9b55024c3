// What the CLI benchmarks share: running `node` to completion while measuring it, and the median.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const usage = fileURLToPath(new URL('./usage.mjs', import.meta.url));

/**
 * A function that runs `node [args]` in `dir` with `env` to completion, measuring wall time in this process and
 * CPU time and peak RSS in the child (preloading usage.mjs); it throws with the child's stderr when it fails.
 */
export function nodeRunner(dir, env) {
  let measured = 0;
  return (args) => {
    const usageFile = join(dir, `usage-${++measured}.json`);
    const started = performance.now();
    const result = spawnSync(process.execPath, ['--import', usage, ...args], {
      cwd: dir,
      env: { ...env, SLICEWISE_BENCH_USAGE_FILE: usageFile },
      maxBuffer: 1 << 28,
    });
    const ms = performance.now() - started;
    if (result.status !== 0) throw new Error(`${args.join(' ')} exited ${result.status}: ${result.stderr}`);
    const { cpuMs, maxRssKb } = JSON.parse(readFileSync(usageFile, 'utf8'));
    return { ms, cpuMs, maxRssKb, stdout: result.stdout.toString(), stderr: result.stderr.toString() };
  };
}

/** The median of some numbers. */
export const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
