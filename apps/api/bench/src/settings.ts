/**
 * The benchmark's settings, read from the environment once. Every one is checked: a bad value stops the run
 * with its name before anything starts.
 */

/** A whole-number setting from the environment, from `min` to `max`; anything else stops the run with its name. */
function setting(name: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const text = process.env[name];
  const value = text === undefined || text === '' ? fallback : Number(text);
  if (!Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `at least ${min}` : `from ${min} to ${max}`;
    process.stderr.write(`${name} must be a whole number ${range}, not ${JSON.stringify(text)}\n`);
    process.exit(2);
  }
  return value;
}

/** Rounds per route (BENCH_ROUNDS, 12). */
export const rounds = setting('BENCH_ROUNDS', 12, 1);
/** Seconds per measurement (BENCH_DURATION, 2). */
export const duration = setting('BENCH_DURATION', 2, 1);
/** autocannon connections (BENCH_CONNECTIONS, 32). */
export const connections = setting('BENCH_CONNECTIONS', 32, 1);
/** Warm-up seconds per server and route (BENCH_WARMUP, 3). */
export const warmup = setting('BENCH_WARMUP', 3, 0);
/** NDJSON rows the import sends while the probe reads (BENCH_IMPORT_ROWS, 200000). */
export const importRows = setting('BENCH_IMPORT_ROWS', 200_000, 1);
/** Rows per import transaction (BENCH_IMPORT_BATCH; 0, the default, leaves it to the slice: 1000). */
export const importBatch = setting('BENCH_IMPORT_BATCH', 0, 0, 10_000);
/** Rows of the import that warms the import path up before the measured one (BENCH_IMPORT_WARMUP_ROWS, 5000; 0: none). */
export const importWarmupRows = setting('BENCH_IMPORT_WARMUP_ROWS', 5_000, 0);
/** Milliseconds between the probe's requests during the import (BENCH_PROBE_INTERVAL_MS, 10). */
export const probeIntervalMs = setting('BENCH_PROBE_INTERVAL_MS', 10, 1, 10_000);

/** BENCH_SERVERS=slicewise,fastify and BENCH_ROUTES=get,register narrow a run (for profiling). */
export const chosen = (list: string | undefined, key: string) => !list || list.split(',').includes(key);
