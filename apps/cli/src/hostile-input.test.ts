import 'reflect-metadata';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '@slicewise/cli';
import { findControlCharacter } from '@slicewise/users';
import BetterSqlite3 from 'better-sqlite3';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasRawControlCharacter } from './fixtures/control-characters.js';
import { canonicalId, hostile, nasty, smallOrInvalid } from './fixtures/hostile-arbitraries.js';
import { bin } from './fixtures/real-cli.js';
import { type ProcessResult, runProcess } from './fixtures/run-process.js';
import { slices } from './slices.js';

const manifest = new URL('../dist/commands.json', import.meta.url);

// Hostile input over every command of the real CLI: 5,000+ generated command lines a run, in process (runCli with
// captured output) and a sample as real child processes. Whatever the input: a success, or a clear one-line
// error with a usage/validation/not-found/conflict exit code; never a stack, SQL, a raw control character, an
// internal error, or a row changed by a rejected request.

let dir: string;
let db: string;
let reader: BetterSqlite3.Database;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'slicewise-hostile-'));
  db = join(dir, 'app.db');
  writeFileSync(
    join(dir, 'hostile.ndjson'),
    ['{"name":"Eve\\u001b[2J","email":"eve@example.com"}', '{"name":"\\u202eMal","email":"mal@example.com\\u0085"}']
      .concat(['not json \u001b[31m', '{"name":1}', '[]', '"\u0000"', '{"name":"Ok","email":"OK@example.com "}'])
      .join('\n'),
  );
  writeFileSync(join(dir, 'hostile.csv'), 'name,email\n"a\u0007",b@example.com\n\u009b2J,c@example.com\n,,,\n');
  expect(await run(['db', 'seed', '--count', '6'])).toMatchObject({ code: 0 });
  reader = new BetterSqlite3(db, { readonly: true });
});

afterAll(() => {
  reader?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Every row the CLI's commands can change. */
function snapshot(): string {
  const tables = reader
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    .pluck()
    .all() as string[];
  return JSON.stringify(tables.map((table) => reader.prepare(`SELECT * FROM "${table}" ORDER BY rowid`).all()));
}

function stream() {
  return {
    isTTY: false,
    text: '',
    write(chunk: string) {
      this.text += chunk;
      return true;
    },
  };
}

async function run(argv: readonly string[]): Promise<ProcessResult> {
  const stdout = stream();
  const stderr = stream();
  const args = argv.includes('--db') ? argv : [...argv, '--db', db];
  const code = await runCli({ argv: args, slices, manifest, env: { INIT_CWD: dir }, stdout, stderr });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

// Raw control characters (a newline is the only one the CLI may print), stack frames, SQL and SQLite's words.
const stackFrame = /\n\s+at |\.[cm]?[jt]s:\d+/;
const sqlText =
  /SQLITE_|sqlite|no such (table|column)|syntax error|constraint failed|\bSELECT\b.*\bFROM\b|INSERT INTO|CREATE TABLE/i;

/** What must hold for any command line; `rejected` says the input must be refused. */
function expectSafe(argv: readonly string[], result: ProcessResult, before: string, rejected = false): void {
  const context = JSON.stringify({ argv, ...result });
  const output = result.stdout + result.stderr;
  expect(hasRawControlCharacter(output), context).toBe(false);
  expect(output, context).not.toMatch(stackFrame);
  expect(result.stderr, context).not.toMatch(sqlText);
  expect(result.stderr, context).not.toMatch(/unexpected failure|--verbose for details/);
  expect([0, 2, 3, 4], context).toContain(result.code);
  if (rejected) expect(result.code, context).not.toBe(0);
  if (result.code !== 0) {
    expect(result.stdout, context).toBe('');
    expect(result.stderr, context).toMatch(/^slicewise\b/);
    expect(snapshot(), context).toBe(before);
  }
}

const runs = (numRuns: number) => ({ numRuns, endOnFailure: true });

describe('hostile input, in process', () => {
  it('users get and users deactivate refuse every id that is not canonical decimal digits', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('get', 'deactivate'),
        hostile,
        fc.array(hostile, { maxLength: 2 }),
        async (verb, id, extra) => {
          const argv = ['users', verb, id, ...extra];
          const before = snapshot();
          const result = await run(argv);
          expectSafe(
            argv,
            result,
            before,
            !canonicalId.test(id) && !id.startsWith('-') && !extra.some((x) => x.startsWith('-')),
          );
        },
      ),
      runs(1500),
    );
  }, 300_000);

  it('users register refuses control characters and bad emails, writing nothing', async () => {
    const email = fc.oneof(
      hostile,
      fc.emailAddress(),
      fc.tuple(fc.emailAddress(), nasty).map(([a, b]) => a + b),
    );
    await fc.assert(
      fc.asyncProperty(hostile, email, async (name, address) => {
        const argv = ['users', 'register', name, address];
        const before = snapshot();
        const result = await run(argv);
        const controlled = findControlCharacter(name) !== undefined || findControlCharacter(address) !== undefined;
        expectSafe(argv, result, before, controlled && !name.startsWith('-') && !address.startsWith('-'));
      }),
      runs(1500),
    );
  }, 300_000);

  it('users list, stats, rebuild-stats, slices and db commands with hostile options and arguments', async () => {
    const option = fc.constantFrom('--limit', '--offset', '--active', '--json', '--status', '--count', '--batch');
    const command = fc.constantFrom(
      ['users', 'list'],
      ['users', 'stats'],
      ['users', 'rebuild-stats'],
      ['slices'],
      ['db', 'migrate'],
      ['db', 'seed'],
      ['users'],
      ['db'],
      [],
    );
    await fc.assert(
      fc.asyncProperty(
        command,
        fc.array(fc.tuple(option, smallOrInvalid), { maxLength: 3 }),
        async (words, options) => {
          const argv = [...words, ...options.flat()];
          const before = snapshot();
          const result = await run(argv);
          expectSafe(argv, result, before);
        },
      ),
      runs(1200),
    );
  }, 300_000);

  it('users import of hostile paths and files, and hostile --db values', async () => {
    const file = fc.oneof(hostile, fc.constantFrom('hostile.ndjson', 'hostile.csv', dir, `${dir}/nope.csv`));
    const database = fc.constantFrom('', '/proc/slicewise-x/y.db', dir, join(bin, 'app.db'), db);
    await fc.assert(
      fc.asyncProperty(
        file,
        fc.option(database, { nil: undefined }),
        fc.option(smallOrInvalid),
        async (path, target, batch) => {
          const argv = ['users', 'import', path, ...(batch === null ? [] : ['--batch', batch])];
          if (target !== undefined) argv.push('--db', target);
          const before = snapshot();
          const result = await run(argv);
          expectSafe(argv, result, before);
        },
      ),
      runs(800),
    );
  }, 300_000);
});

describe('hostile input, as child processes', () => {
  it('holds for a sample of command lines run by the real executable', async () => {
    const line = fc.oneof(
      fc.tuple(fc.constantFrom('get', 'deactivate'), hostile).map(([verb, id]) => ['users', verb, id]),
      fc.tuple(hostile, hostile).map(([name, email]) => ['users', 'register', name, email]),
      fc
        .tuple(fc.constantFrom('--limit', '--offset', '--active'), smallOrInvalid)
        .map((option) => ['users', 'list', ...option]),
      hostile.map((path) => ['users', 'import', path]),
    );
    // Arguments cannot hold NUL in a real process.
    const sample = fc.sample(line, 30).filter((argv) => !argv.some((arg) => arg.includes('\u0000')));
    for (const argv of sample.slice(0, 16)) {
      const before = snapshot();
      const result = await runProcess(bin, [...argv, '--db', db], { cwd: dir });
      expectSafe(argv, result, before);
    }
  }, 120_000);
});
