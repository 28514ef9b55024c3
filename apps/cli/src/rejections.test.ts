import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bin, sql, tmp } from './fixtures/real-cli.js';

const reportMemory = fileURLToPath(new URL('./fixtures/report-memory.cjs', import.meta.url));
const lines = 200_000;

interface MemoryReport {
  peakRssKiB: number;
  /** The most heap still in use after a garbage collection, sampled every 100 ms. */
  peakLiveHeapKiB: number;
}

/**
 * Runs an import in a child reporting its memory. Streaming 200,000 rejections keeps about 9 MiB of live heap;
 * keeping them (even as plain objects, without the table the CLI used to build) needs 26 MiB or more.
 */
function importReporting(...args: string[]): Promise<{ code: number; stdout: string; stderr: string } & MemoryReport> {
  const memoryFile = join(tmp.dir, `memory-${args.length}.json`);
  const { SLICEWISE_DB, INIT_CWD, NO_COLOR, FORCE_COLOR, ...env } = process.env;
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--expose-gc', '-r', reportMemory, bin, 'users', 'import', 'bad.ndjson', ...args, '--db', tmp.db],
      { cwd: tmp.dir, env: { ...env, SLICEWISE_MEMORY_FILE: memoryFile }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const report = JSON.parse(readFileSync(memoryFile, 'utf8')) as MemoryReport;
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr, ...report });
      },
    );
  });
}

describe('slicewise users import with 200,000 rejected lines', () => {
  it('streams them to stderr, or to --rejects as NDJSON with a JSON summary, in bounded memory', async () => {
    const kinds = ['not json', '{"name":"","email":"a@example.com"}', '{"name":"Ann","email":"nope"}'];
    writeFileSync(join(tmp.dir, 'bad.ndjson'), `${Array.from({ length: lines }, (_, i) => kinds[i % 3]).join('\n')}\n`);

    const [plain, asJson] = await Promise.all([
      importReporting(),
      importReporting('--json', '--rejects', 'rejects.ndjson'),
    ]);

    expect(plain.code, plain.stderr.slice(-500)).toBe(0);
    expect(plain.stdout).toBe(`read      ${lines}\nimported  0\nrejected  ${lines}\ndone      true\n`);
    const stderr = plain.stderr.split('\n').filter((line) => line.startsWith('line '));
    expect(stderr).toHaveLength(lines);
    expect(stderr.slice(0, 3)).toEqual([
      'line 1: MALFORMED: not valid JSON',
      'line 2: VALIDATION: name: must not be empty',
      'line 3: VALIDATION: email: must be an email address',
    ]);
    expect(plain.stderr).toMatch(/\n200,000 rejected \(listed above\)\n$/);

    expect(asJson.code, asJson.stderr.slice(-500)).toBe(0);
    expect(JSON.parse(asJson.stdout)).toEqual({ read: lines, imported: 0, rejected: lines, done: true });
    const written = readFileSync(join(tmp.dir, 'rejects.ndjson'), 'utf8').trimEnd().split('\n');
    expect(written).toHaveLength(lines);
    expect(JSON.parse(written[lines - 1] as string)).toEqual({
      line: lines,
      code: 'VALIDATION',
      reason: 'name: must not be empty',
    });

    for (const run of [plain, asJson]) {
      expect(run.peakLiveHeapKiB / 1024).toBeLessThan(16);
      expect(run.peakRssKiB / 1024).toBeLessThan(200);
    }
    expect(sql('SELECT count(*) AS n FROM users')).toEqual([{ n: 0 }]);
  }, 180_000); // three CLI runs over 200,000 lines each: slow beside a whole test run on 2 cores
});
