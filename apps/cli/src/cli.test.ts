import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ProcessResult, runProcess } from './fixtures/run-process.js';

// The real `slicewise` CLI (bin/slicewise.js → dist/bundle) with the real user slices, as a child process.
const bin = fileURLToPath(new URL('../bin/slicewise.js', import.meta.url));

let dir: string;
let db: string;
const children: ChildProcess[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'slicewise-cli-'));
  db = join(dir, 'app.db');
});
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs the CLI in `dir` on the test's database (unless the arguments name one). */
const cli = (...args: string[]): Promise<ProcessResult> =>
  runProcess(bin, args.includes('--db') ? args : [...args, '--db', db], { cwd: dir });
const json = async (...args: string[]) => {
  const result = await cli(...args, '--json');
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout);
};

/** Runs SQL on a database file directly: the rows of a query, or nothing for a statement. */
function sql<T>(query: string, file = db): T[] {
  const sqlite = new BetterSqlite3(file);
  try {
    const statement = sqlite.prepare(query);
    if (statement.reader) return statement.all() as T[];
    statement.run();
    return [];
  } finally {
    sqlite.close();
  }
}

/** A failure: the exit code, nothing on stdout, no stack, and the given lines on stderr. */
function expectFailure(result: ProcessResult, code: number, ...lines: RegExp[]): void {
  expect(result.code).toBe(code);
  expect(result.stdout).toBe('');
  expect(result.stderr).not.toMatch(/\n\s+at /);
  const stderr = result.stderr.trimEnd().split('\n');
  expect(stderr).toHaveLength(lines.length);
  lines.forEach((line, i) => {
    expect(stderr[i]).toMatch(line);
  });
}

const ids = (users: { id: number }[]) => users.map((user) => user.id);
const today = () => new Date().toISOString().slice(0, 10);

describe('slicewise users list', () => {
  it('pages all users by 50, the active ones, the inactive ones, and --limit/--offset, as JSON', async () => {
    expect((await cli('db', 'seed', '--count', '60')).code).toBe(0);

    const [all, active, inactive, page, explicit] = await Promise.all([
      json('users', 'list'),
      json('users', 'list', '--active', '--limit', '5'),
      json('users', 'list', '--active', 'false', '--limit', '3'),
      json('users', 'list', '--limit', '3', '--offset', '2'),
      json('users', 'list', '--active=true', '--limit', '500'),
    ]);

    expect(ids(all)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(ids(active)).toEqual([1, 2, 3, 5, 6]);
    expect(ids(inactive)).toEqual([4, 8, 12]);
    expect(ids(page)).toEqual([3, 4, 5]);
    expect(explicit).toHaveLength(45);
    expect(explicit.every((user: { active: boolean }) => user.active)).toBe(true);
    expect(active[0]).toEqual({ id: 1, name: 'Ada Lovelace', email: 'ada.lovelace.1@example.com', active: true });
  });

  it('prints a table by default, and (no rows) on an empty database', async () => {
    const empty = await cli('users', 'list');
    await cli('db', 'seed', '--count', '4');

    const listed = await cli('users', 'list', '--active', 'false');

    expect(empty.stdout).toBe('(no rows)\n');
    expect(listed.stdout).toBe(
      'id  name             email                          active\n' +
        ' 4  Edsger Dijkstra  edsger.dijkstra.4@example.com  false\n',
    );
  });

  it('reflects a row changed directly in SQLite', async () => {
    await cli('db', 'seed', '--count', '3');
    sql('UPDATE users SET active = 0 WHERE id = 2');

    expect(ids(await json('users', 'list', '--active'))).toEqual([1, 3]);
  });

  it('exits 2 on a limit over 500, a negative offset or a non-boolean --active', async () => {
    const [limit, offset, active] = await Promise.all([
      cli('users', 'list', '--limit', '501'),
      cli('users', 'list', '--offset=-1'),
      cli('users', 'list', '--active', 'maybe'),
    ]);

    expectFailure(limit, 2, /^slicewise users list: invalid input \(1 problem/, /^ {2}--limit: must be at most 500$/);
    expectFailure(offset, 2, /invalid input/, /^ {2}--offset: must be at least 0$/);
    expectFailure(active, 2, /Unexpected argument 'maybe'/);
  });
});

describe('slicewise users get', () => {
  it('prints the user as fields or JSON, exits 3 for an unknown id and 2 for a non-numeric one', async () => {
    await cli('db', 'seed', '--count', '4');

    const [readable, asJson, missing, bad] = await Promise.all([
      cli('users', 'get', '4'),
      json('users', 'get', '2'),
      cli('users', 'get', '99'),
      cli('users', 'get', 'abc'),
    ]);

    expect(readable.stdout).toBe(
      'id      4\nname    Edsger Dijkstra\nemail   edsger.dijkstra.4@example.com\nactive  false\n',
    );
    expect(asJson).toEqual({ id: 2, name: 'Alan Turing', email: 'alan.turing.2@example.com', active: true });
    expectFailure(missing, 3, /^slicewise users get: No user has id 99$/);
    expectFailure(bad, 2, /^slicewise users get: invalid input/, /^ {2}<id>: must be a number$/);
  });
});

describe('slicewise users register', () => {
  it('registers in both modes, trimming the name and lowercasing the email', async () => {
    const readable = await cli('users', 'register', ' Ada Lovelace ', 'Ada@Example.COM');
    const asJson = await json('users', 'register', 'Alan Turing', 'alan@example.com');

    expect(readable.code).toBe(0);
    expect(readable.stdout).toBe('id      1\nname    Ada Lovelace\nemail   ada@example.com\nactive  true\n');
    expect(asJson).toEqual({ id: 2, name: 'Alan Turing', email: 'alan@example.com', active: true });
    expect(sql('SELECT id, name, email, active FROM users ORDER BY id')).toEqual([
      { id: 1, name: 'Ada Lovelace', email: 'ada@example.com', active: 1 },
      { id: 2, name: 'Alan Turing', email: 'alan@example.com', active: 1 },
    ]);
  });

  it('exits 4 on an email already registered, whatever its case, writing nothing', async () => {
    await cli('users', 'register', 'Ada', 'ada@example.com');

    const again = await cli('users', 'register', 'Other Ada', 'ADA@example.COM');

    expectFailure(again, 4, /^slicewise users register: A user with email ada@example.com is already registered$/);
    expect(sql('SELECT count(*) AS count FROM users')).toEqual([{ count: 1 }]);
  });

  it('exits 2 with one line per invalid field, named as its argument', async () => {
    const [email, both, missing] = await Promise.all([
      cli('users', 'register', 'Ada', 'not-an-email'),
      cli('users', 'register', '  ', 'nope'),
      cli('users', 'register', 'Ada'),
    ]);

    expectFailure(
      email,
      2,
      /invalid input \(1 problem\(s\)\).*slicewise users register --help$/,
      /^ {2}<email>: must be an email address$/,
    );
    expectFailure(both, 2, /invalid input \(2 problem/, /^ {2}<name>: must not be empty$/, /^ {2}<email>: must be/);
    expectFailure(
      missing,
      2,
      /^slicewise users register: Missing argument <email>: run slicewise users register --help/,
    );
    expect(existsSync(db) ? sql('SELECT count(*) AS count FROM users') : [{ count: 0 }]).toEqual([{ count: 0 }]);
  });
});

describe('slicewise users deactivate', () => {
  it('deactivates, is idempotent, and exits 3 for an unknown id', async () => {
    await cli('db', 'seed', '--count', '3');

    const first = await json('users', 'deactivate', '2');
    const second = await cli('users', 'deactivate', '2');
    const missing = await cli('users', 'deactivate', '42');

    expect(first).toEqual({ id: 2, name: 'Alan Turing', email: 'alan.turing.2@example.com', active: false });
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/^active {2}false$/m);
    expectFailure(missing, 3, /^slicewise users deactivate: No user has id 42$/);
    expect(ids(await json('users', 'list', '--active'))).toEqual([1, 3]);
  });
});

describe('slicewise users import', () => {
  const csv = [
    'name,email',
    'Ann,ann@example.com',
    'a line without a comma',
    'Bob,bob@example.com',
    ',nameless@example.com',
    'Cid,not-an-email',
    '',
    'Eve,ANN@example.com',
    '"Fay, Jr",fay@example.com',
  ].join('\n');

  it('keeps the good rows of a CSV file and reports each bad line by number on stderr', async () => {
    writeFileSync(join(dir, 'people.csv'), csv);

    const imported = await cli('users', 'import', 'people.csv', '--batch', '2');

    expect(imported.code).toBe(0);
    expect(imported.stdout).toBe('read      7\nimported  3\nrejected  4\ndone      true\n');
    expect(imported.stderr).toMatch(/^4 rejected:\nline\s+code\s+reason\n/);
    expect(imported.stderr).toMatch(/\n\s+3 {2}VALIDATION {2}email: must be a string\n/);
    expect(imported.stderr).toMatch(/\n\s+5 {2}VALIDATION {2}name: must not be empty\n/);
    expect(imported.stderr).toMatch(/\n\s+6 {2}VALIDATION {2}email: must be an email address\n/);
    expect(imported.stderr).toMatch(/\n\s+8 {2}CONFLICT {4}email ann@example.com is already registered\n/);
    expect(sql('SELECT name, email FROM users ORDER BY id')).toEqual([
      { name: 'Ann', email: 'ann@example.com' },
      { name: 'Bob', email: 'bob@example.com' },
      { name: 'Fay, Jr', email: 'fay@example.com' },
    ]);
  });

  it('prints the final progress with every rejected line as JSON for an NDJSON file', async () => {
    const ndjson = [
      '{"name":"Ann","email":"ann@example.com"}',
      '{"name":"Bob",',
      '{"name":"Cid","email":"cid@example.com"}',
      '[1,2]',
      '{"name":"Dee","email":"dee@example"}',
    ].join('\n');
    writeFileSync(join(dir, 'people.data'), ndjson);

    const result = await json('users', 'import', 'people.data', '--format', 'ndjson', '--batch', '1');

    expect(result).toMatchObject({ read: 5, imported: 2, rejected: 3, done: true });
    expect(
      result.rejections.map((rejection: { line: number; code: string }) => [rejection.line, rejection.code]),
    ).toEqual([
      [2, 'MALFORMED'],
      [4, expect.any(String)],
      [5, 'VALIDATION'],
    ]);
    expect(ids(await json('users', 'list'))).toEqual([1, 2]);
  });

  it('exits 3 for a missing file and 2 for an unknown format', async () => {
    writeFileSync(join(dir, 'people.txt'), 'x');
    const [missing, format, batch] = await Promise.all([
      cli('users', 'import', 'missing.csv'),
      cli('users', 'import', 'people.txt'),
      cli('users', 'import', 'people.txt', '--format', 'xml'),
    ]);

    expect(missing.code).toBe(3);
    expect(missing.stdout).toBe('');
    expect(format.code).toBe(2);
    expect(format.stderr).toMatch(/--format/);
    expect(batch.code).toBe(2);
    expect(batch.stderr).toMatch(/--format: must be csv or ndjson/);
  });

  it('shows progress on stderr, and on Ctrl-C keeps whole batches only, as many as it says', async () => {
    const rows = 300_000;
    const lines = Array.from({ length: rows }, (_, i) => `{"name":"Person ${i}","email":"person${i}@example.com"}`);
    writeFileSync(join(dir, 'big.ndjson'), `${lines.join('\n')}\n`);
    const { SLICEWISE_DB, INIT_CWD, ...env } = process.env;
    const child = spawn(process.execPath, [bin, 'users', 'import', 'big.ndjson', '--db', db], { cwd: dir, env });
    children.push(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    const progressed = new Promise<void>((resolve) =>
      child.stderr.on('data', (chunk) => {
        stderr += chunk;
        if (/rows\/s/.test(stderr)) resolve();
      }),
    );

    await Promise.race([progressed, exited]);
    child.kill('SIGINT');
    const code = await exited;

    expect(code).toBe(130);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^users import: [\d,]+ rows, [\d,]+ rows\/s$/m);
    const kept = Number(/Cancelled: ([\d,]+) rows were kept/.exec(stderr)?.[1]?.replaceAll(',', ''));
    const [{ count }] = sql<{ count: number }>('SELECT count(*) AS count FROM users') as [{ count: number }];
    expect(count).toBe(kept);
    expect(count).toBeGreaterThan(0);
    expect(count).toBeLessThan(rows);
    expect(count % 1000).toBe(0);
    expect(sql('PRAGMA integrity_check')).toEqual([{ integrity_check: 'ok' }]);
  });
});

describe('slicewise users stats and rebuild-stats', () => {
  it('counts seeded, registered, deactivated and imported users; rebuild recomputes from the table', async () => {
    const empty = await json('users', 'stats');
    await cli('db', 'seed', '--count', '8'); // 6 active
    await cli('users', 'register', 'Bob', 'bob@example.com');
    await cli('users', 'deactivate', '1');
    await cli('users', 'deactivate', '1'); // idempotent: counted once
    writeFileSync(join(dir, 'more.csv'), 'name,email\nAnn,ann@example.com\nbad\nCid,cid@example.com\n');
    await cli('users', 'import', 'more.csv');

    const stats = await json('users', 'stats');
    const readable = await cli('users', 'stats');
    sql('DELETE FROM users WHERE id = 2');
    const stale = await json('users', 'stats');
    const rebuilt = await json('users', 'rebuild-stats');

    expect(empty).toEqual({ total: 0, active: 0, registeredPerDay: [] });
    expect(stats).toEqual({ total: 11, active: 8, registeredPerDay: [{ day: today(), count: 11 }] });
    expect(readable.stdout).toMatch(/^day {9}count\n\d{4}-\d\d-\d\d {5}11\n\ntotal {3}11\nactive {2}8\n$/);
    expect(stale.total).toBe(11);
    expect(rebuilt).toEqual({ total: 10, active: 7, registeredPerDay: [{ day: today(), count: 10 }] });
    expect(await json('users', 'stats')).toEqual(rebuilt);
  });
});

describe('slicewise db seed', () => {
  it('uses SLICEWISE_DB, and ./data/slicewise.db when nothing is set', async () => {
    const env = join(dir, 'env.db');
    await runProcess(bin, ['db', 'seed', '--count', '2'], { cwd: dir, env: { SLICEWISE_DB: env } });
    await runProcess(bin, ['db', 'seed', '--count', '3'], { cwd: dir });

    expect(sql('SELECT count(*) AS count FROM users', env)).toEqual([{ count: 2 }]);
    expect(sql('SELECT count(*) AS count FROM users', join(dir, 'data', 'slicewise.db'))).toEqual([{ count: 3 }]);
  });

  it('adds nothing twice when run again', async () => {
    const first = await json('db', 'seed', '--count', '4');
    const again = await json('db', 'seed', '--count', '6');

    expect(first).toEqual({ added: 4, requested: 4 });
    expect(again).toEqual({ added: 2, requested: 6 });
    expect((await json('users', 'stats')).total).toBe(6);
  });

  it('shows progress on stderr for a large count, and on Ctrl-C keeps the batches written before it', async () => {
    const { SLICEWISE_DB, INIT_CWD, ...env } = process.env;
    const child = spawn(process.execPath, [bin, 'db', 'seed', '--count', '5000000', '--db', db], { cwd: dir, env });
    children.push(child);
    let stderr = '';
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    const progressed = new Promise<void>((resolve) =>
      child.stderr.on('data', (chunk) => {
        stderr += chunk;
        if (/users\/s/.test(stderr)) resolve();
      }),
    );

    await Promise.race([progressed, exited]);
    child.kill('SIGINT');

    expect(await exited).toBe(130);
    expect(stderr).toMatch(/^db seed: [\d,]+\/5,000,000 users \(\d+%\), [\d,]+ users\/s, ETA \S+$/m);
    const kept = Number(
      /Cancelled: ([\d,]+) of 5,000,000 demo users were written and kept/.exec(stderr)?.[1]?.replaceAll(',', ''),
    );
    const [{ count }] = sql<{ count: number }>('SELECT count(*) AS count FROM users') as [{ count: number }];
    expect(sql('PRAGMA integrity_check')).toEqual([{ integrity_check: 'ok' }]);
    expect(count).toBe(kept);
    expect(count).toBeGreaterThan(0);
    expect(count % 1000).toBe(0);
  });
});

describe('slicewise errors', () => {
  it.each([
    [['db', 'seed', '--count', 'many'], /--count: must be a whole number/],
    [['db', 'seed', '--count', '0'], /--count: must be a whole number/],
    [['users', 'list', '--bogus'], /Unknown option '--bogus'/],
    [['users', 'get', '1', '2'], /Unexpected argument '2'/],
    [['users', 'list', '--offset', '-1'], /Option '--offset' argument is ambiguous: write --offset=<value> for a/],
    [['users', 'remove'], /Unknown command "users remove" \(did you mean users deactivate, users get/],
  ])('exits 2 with a short message on stderr for %j', async (args, message) => {
    const result = await cli(...args);

    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.trimEnd().split('\n').length).toBeLessThanOrEqual(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('slicewise help and version', () => {
  const commands = [
    'users deactivate',
    'users get',
    'users import',
    'users list',
    'users rebuild-stats',
    'users register',
    'users stats',
    'db migrate',
    'db seed',
    'slices',
  ];

  it('prints the version, and help for every command listed, with its usage and exit codes', async () => {
    const [help, version, short] = await Promise.all([cli('--help'), cli('--version'), cli('-v')]);
    const listed = [...help.stdout.matchAll(/^ {2}([a-z]+(?: [a-z-]+)?)(?= |$)/gm)].map((match) => match[1]);

    expect(version.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    expect(short.stdout).toBe(version.stdout);
    expect(listed).toEqual(commands);
    expect(help.stdout).toMatch(/^ {2}users register <name> <email>\s+Register a user by name and email/m);
    expect(help.stdout).toMatch(/^ {2}users list \[--active\] \[--limit <N>\] \[--offset <N>\]\s+List users/m);
    const helps = await Promise.all(commands.map((command) => cli(...command.split(' '), '--help')));
    helps.forEach((text, i) => {
      expect(text.code).toBe(0);
      expect(text.stdout).toContain(`Usage: slicewise ${commands[i]}`);
      expect(text.stdout).toContain('Exit codes:');
    });
    expect(helps[3]?.stdout).toMatch(/--limit <N>\s+\(integer, default: 50\)/);
    expect(helps[2]?.stdout).toMatch(/--format <csv\|ndjson>/);
  });

  it('lists each group with --help, and exits 2 listing it when no command of the group is given', async () => {
    const [users, db, bare] = await Promise.all([cli('users', '--help'), cli('db', '--help'), cli('users')]);

    expect(users.code).toBe(0);
    expect([...users.stdout.matchAll(/^ {2}(users [a-z-]+)/gm)].map((match) => match[1])).toEqual(commands.slice(0, 7));
    expect(db.stdout).toMatch(/^ {2}db migrate/m);
    expect(db.stdout).toMatch(/^ {2}db seed/m);
    expect(bare.code).toBe(2);
    expect(bare.stdout).toBe('');
    expect(bare.stderr).toContain('users stats');
  });
});

describe('slicewise slices and db migrate', () => {
  const names = [
    '@slicewise/users',
    '@slicewise/list-users',
    '@slicewise/get-user',
    '@slicewise/register-user',
    '@slicewise/deactivate-user',
    '@slicewise/import-users',
    '@slicewise/user-stats',
  ];

  it('lists the composed slices with versions, migrations and their commands', async () => {
    const [table, listed] = await Promise.all([cli('slices'), json('slices')]);

    expect(listed.map((slice: { name: string }) => slice.name)).toEqual(names);
    expect(listed[0]).toMatchObject({ requests: [], migrations: ['001-create-users'] });
    expect(listed[6]).toMatchObject({ requires: ['@slicewise/users'], migrations: ['001-create-user-stats'] });
    expect(table.stdout).toMatch(/^@slicewise\/users\s+\d+\.\d+\.\d+\s+0\s+1$/m);
    expect(table.stdout).toMatch(/^ListUsers\s+query\s+@slicewise\/list-users\s+slicewise users list\s+GET \/users$/m);
    expect(table.stdout).toMatch(/^ImportUsers\s+stream\s+@slicewise\/import-users\s+slicewise users import\s/m);
    expect(table.stdout).not.toMatch(/get-active-users/);
  });

  it('shows pending migrations without creating the database, applies them once, then shows them applied', async () => {
    const before = await json('db', 'migrate', '--status');
    expect(existsSync(db)).toBe(false);
    const first = await json('db', 'migrate');
    const second = await cli('db', 'migrate');
    const after = await cli('db', 'migrate', '--status');

    expect(before).toEqual([
      { slice: '@slicewise/users', migration: '001-create-users', status: 'pending', appliedAt: null },
      { slice: '@slicewise/user-stats', migration: '001-create-user-stats', status: 'pending', appliedAt: null },
    ]);
    expect(first).toEqual({
      applied: ['@slicewise/users/001-create-users', '@slicewise/user-stats/001-create-user-stats'],
    });
    expect(second.stdout).toBe('Up to date: no pending migrations.\n');
    expect(after.stdout).toMatch(/^@slicewise\/users\s+001-create-users\s+applied\s+\d{4}-\d\d-\d\dT/m);
    expect(after.stdout).toMatch(/^@slicewise\/user-stats\s+001-create-user-stats\s+applied\s+\d{4}-\d\d-\d\dT/m);
    expect(after.stdout).toMatch(/Up to date\.\n$/);
  });
});
