// Differential test: the same JSON cases run against Python's sqlite-utils (conformance/runner.py) and against
// @slicewise/db (differential.test-util.ts); schemas, stored values with their storage class, step results and
// errors must match, except for the differences listed in conformance/differences.json (and the README).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Case, type Outcome, runCase } from './differential.test-util.js';

const conformance = fileURLToPath(new URL('../conformance/', import.meta.url));
const readme = readFileSync(fileURLToPath(new URL('../README.md', import.meta.url)), 'utf8');
const caseFiles = readdirSync(join(conformance, 'cases'))
  .filter((file) => file.endsWith('.json'))
  .sort()
  .map((file) => join(conformance, 'cases', file));
const cases: Case[] = caseFiles.flatMap((file) => JSON.parse(readFileSync(file, 'utf8')).cases as Case[]);

interface Difference {
  id: string;
  summary: string;
  reason: string;
  /** A regular expression over the difference lines it explains. */
  match: string;
  cases: string[];
}
const differences: Difference[] = JSON.parse(readFileSync(join(conformance, 'differences.json'), 'utf8')).differences;

/**
 * The Python that can import sqlite_utils: the interpreter of the `sqlite-utils` script's shebang (Debian's
 * package installs it for /usr/bin/python3, which need not be the first python3 on PATH), else /usr/bin/python3;
 * `SLICEWISE_SQLITE_UTILS_PYTHON` names the one interpreter to try instead.
 */
function findPython(): { python: string } | { missing: string } {
  const candidates: string[] = [];
  const forced = process.env.SLICEWISE_SQLITE_UTILS_PYTHON; // to test with another interpreter, or none
  for (const dir of forced ? [] : (process.env.PATH ?? '').split(delimiter)) {
    const script = join(dir, 'sqlite-utils');
    if (!dir || !existsSync(script)) continue;
    const shebang = /^#!\s*(\S+)/.exec(readFileSync(script, 'utf8').split('\n', 1)[0] ?? '')?.[1];
    if (shebang && !shebang.endsWith('/env')) candidates.push(shebang);
    break;
  }
  candidates.push(forced ?? '/usr/bin/python3');
  for (const python of candidates) {
    const probe = spawnSync(python, ['-c', 'import sqlite_utils'], { encoding: 'utf8', timeout: 30_000 });
    if (probe.status === 0) return { python };
  }
  return { missing: `no Python that can import sqlite_utils (tried ${candidates.join(', ')})` };
}

const found = findPython();
const notice =
  'missing' in found
    ? `The differential test against sqlite-utils needs Debian's package sqlite-utils (apt-get install sqlite-utils): ${found.missing}`
    : undefined;

/** One line per difference between the two outcomes, each naming where it is. */
function differencesBetween(python: Outcome, node: Outcome): string[] {
  const lines: string[] = [];
  const show = (value: unknown) => JSON.stringify(value);
  const compare = (where: string, a: unknown, b: unknown) => {
    if (show(a) !== show(b)) lines.push(`${where}: python=${show(a)} node=${show(b)}`);
  };
  compare('error', python.error, node.error);
  const steps = Math.max(python.results.length, node.results.length);
  for (let i = 0; i < steps; i++) compare(`result ${i}`, python.results[i], node.results[i]);
  compare('tables', Object.keys(python.tables), Object.keys(node.tables));
  compare('triggers', python.triggers, node.triggers);
  for (const [name, ours] of Object.entries(node.tables)) {
    const theirs = python.tables[name];
    if (theirs === undefined) continue;
    const names = (table: typeof ours) => table.columns.map((column) => column[0]);
    compare(`table ${name} column names`, names(theirs), names(ours));
    if (show(names(theirs)) === show(names(ours))) {
      theirs.columns.forEach((column, c) => {
        ['type', 'notnull', 'default', 'pk'].forEach((field, f) => {
          compare(`table ${name} column ${column[0]} ${field}`, column[f + 1], ours.columns[c]?.[f + 1]);
        });
      });
    }
    compare(`table ${name} indexes`, theirs.indexes, ours.indexes);
    compare(`table ${name} foreign keys`, theirs.foreignKeys, ours.foreignKeys);
    if (theirs.rows.length !== ours.rows.length) {
      compare(`table ${name} rows`, theirs.rows, ours.rows);
    } else {
      theirs.rows.forEach((row, r) => {
        row.forEach((value, c) => {
          compare(`table ${name} row ${r} column ${c}`, value, ours.rows[r]?.[c]);
        });
      });
    }
  }
  return lines;
}

describe('differential test against sqlite-utils', () => {
  it('has at least 150 cases, each named once', () => {
    expect(cases.length).toBeGreaterThanOrEqual(150);
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
  });

  it('lists every known difference in the README, with cases that exist', () => {
    const section = readme.split('## Differences from sqlite-utils')[1]?.split('\n## ')[0] ?? '';
    const names = new Set(cases.map((c) => c.name));
    for (const difference of differences) {
      expect(section, `README lists ${difference.id}`).toContain(`\`${difference.id}\``);
      expect(difference.cases.filter((name) => !names.has(name))).toEqual([]);
      expect(difference.cases.length).toBeGreaterThan(0);
    }
  });

  if (notice !== undefined) {
    if (process.env.CI) {
      it('runs sqlite-utils (required in CI)', () => {
        throw new Error(notice);
      });
    } else {
      console.warn(`\n[@slicewise/db] SKIPPED: ${notice}\n`);
      it.skip(`compares with sqlite-utils (skipped: install Debian's sqlite-utils)`, () => {});
    }
    return;
  }

  let python: Record<string, Outcome>;
  beforeAll(() => {
    const run = spawnSync((found as { python: string }).python, [join(conformance, 'runner.py'), ...caseFiles], {
      encoding: 'utf8',
      timeout: 120_000,
      maxBuffer: 256 * 1024 * 1024,
    });
    if (run.status !== 0) throw new Error(`runner.py failed (${run.status ?? run.signal}): ${run.stderr}`);
    python = JSON.parse(run.stdout);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', (name, testCase) => {
    const lines = differencesBetween(python[name] as Outcome, runCase(testCase));
    const listed = differences.filter((difference) => difference.cases.includes(name));
    const unexplained = lines.filter((line) => !listed.some((difference) => new RegExp(difference.match).test(line)));
    expect(unexplained, 'differences not listed in conformance/differences.json').toEqual([]);
    const stale = listed.filter((difference) => !lines.some((line) => new RegExp(difference.match).test(line)));
    expect(
      stale.map((difference) => difference.id),
      'listed differences that no longer occur in this case',
    ).toEqual([]);
  });
});
