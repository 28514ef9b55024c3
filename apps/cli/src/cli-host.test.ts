import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bin, cli, json, sql, start, tmp } from './fixtures/real-cli.js';
import { runProcess } from './fixtures/run-process.js';

// The real CLI's own commands (db, slices), help, version and usage errors, run as child processes.
describe('slicewise db seed', () => {
  it('uses SLICEWISE_DB, and ./data/slicewise.db when nothing is set', async () => {
    const env = join(tmp.dir, 'env.db');
    await runProcess(bin, ['db', 'seed', '--count', '2'], { cwd: tmp.dir, env: { SLICEWISE_DB: env } });
    await runProcess(bin, ['db', 'seed', '--count', '3'], { cwd: tmp.dir });

    expect(sql('SELECT count(*) AS count FROM users', env)).toEqual([{ count: 2 }]);
    expect(sql('SELECT count(*) AS count FROM users', join(tmp.dir, 'data', 'slicewise.db'))).toEqual([{ count: 3 }]);
  });

  it('adds nothing twice when run again', async () => {
    const first = await json('db', 'seed', '--count', '4');
    const again = await json('db', 'seed', '--count', '6');

    expect(first).toEqual({ done: 4, total: 4, added: 4 });
    expect(again).toEqual({ done: 6, total: 6, added: 2 });
    expect((await json('users', 'stats')).total).toBe(6);
  });

  it('shows progress on stderr for a large count, and on Ctrl-C keeps the batches written before it', async () => {
    const child = start('db', 'seed', '--count', '5000000');
    let stderr = '';
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    const progressed = new Promise<void>((resolve) =>
      child.stderr.on('data', (chunk) => {
        stderr += chunk;
        if (/rows\/s/.test(stderr)) resolve();
      }),
    );

    await Promise.race([progressed, exited]);
    child.kill('SIGINT');

    expect(await exited).toBe(130);
    expect(stderr).toMatch(/^db seed: [\d,]+\/5,000,000 rows \(\d+%\), [\d,]+ rows\/s, ETA \S+$/m);
    const kept = Number(/Cancelled: ([\d,]+) rows were kept/.exec(stderr)?.[1]?.replaceAll(',', ''));
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
    'db seed',
    'db migrate',
    'users deactivate',
    'users get',
    'users import',
    'users list',
    'users rebuild-stats',
    'users register',
    'users stats',
    'slices',
    'events status',
    'events parked',
    'events retry',
    'events catch-up',
  ];

  it('prints the version, and help for every command listed, with its usage and exit codes', async () => {
    const [help, version, short] = await Promise.all([cli('--help'), cli('--version'), cli('-v')]);
    const listed = [...help.stdout.matchAll(/^ {2}([a-z]+(?: [a-z-]+)?)(?= |$)/gm)].map((match) => match[1]);

    expect(version.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    expect(short.stdout).toBe(version.stdout);
    expect(listed).toEqual(commands);
    expect(help.stdout).toMatch(/^ {2}users register <name> <email>\s+Register a user by name and email/m);
    expect(help.stdout).toMatch(
      /^ {2}users list \[--active\] \[--limit <N>\] \[--after <N>\] \[--offset <N>\]\s+List users/m,
    );
    const helps = await Promise.all(commands.map((command) => cli(...command.split(' '), '--help')));
    helps.forEach((text, i) => {
      expect(text.code).toBe(0);
      expect(text.stdout).toContain(`Usage: slicewise ${commands[i]}`);
      expect(text.stdout).toContain('Exit codes:');
    });
    expect(helps[commands.indexOf('users list')]?.stdout).toMatch(/--limit <N>\s+\(integer, default: 50\)/);
    expect(helps[commands.indexOf('users import')]?.stdout).toMatch(/--format <csv\|ndjson>/);
  });

  it('prints help and the version without opening the database: a --db no folder can hold, or that does not exist', async () => {
    const file = join(tmp.dir, 'a-file');
    writeFileSync(file, 'not a folder');
    const missing = join(tmp.dir, 'missing', 'deeper', 'app.db');

    const results = await Promise.all(
      [file, missing].flatMap((db) => [
        cli('--help', '--db', join(db, 'app.db')),
        cli('users', 'list', '--help', '--db', db),
        cli('db', '--help', '--db', db),
        cli('--version', '--db', db),
      ]),
    );
    const used = await cli('users', 'list', '--db', join(file, 'app.db'));

    for (const result of results) expect(result, result.stderr).toMatchObject({ code: 0, stderr: '' });
    expect(existsSync(join(tmp.dir, 'missing'))).toBe(false);
    expect(used.code).toBe(2); // the same --db on a command that opens it: refused
    expect(used.stderr).toMatch(/is not a folder/);
  });

  it('lists each group with --help, and exits 2 listing it when no command of the group is given', async () => {
    const [users, dbGroup, bare] = await Promise.all([cli('users', '--help'), cli('db', '--help'), cli('users')]);

    expect(users.code).toBe(0);
    expect([...users.stdout.matchAll(/^ {2}(users [a-z-]+)/gm)].map((match) => match[1])).toEqual(commands.slice(2, 9));
    expect(dbGroup.stdout).toMatch(/^ {2}db migrate/m);
    expect(dbGroup.stdout).toMatch(/^ {2}db seed/m);
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
    expect(listed[0]).toMatchObject({ requests: [], migrations: ['000-check-users-table', '001-create-users'] });
    expect(listed[6]).toMatchObject({ requires: ['@slicewise/users'], migrations: ['001-create-user-stats'] });
    expect(table.stdout).toMatch(/^@slicewise\/users\s+\d+\.\d+\.\d+\s+0\s+2$/m);
    expect(table.stdout).toMatch(/^ListUsers\s+query\s+@slicewise\/list-users\s+slicewise users list\s+GET \/users$/m);
    expect(table.stdout).toMatch(/^ImportUsers\s+stream\s+@slicewise\/import-users\s+slicewise users import\s/m);
    expect(table.stdout).not.toMatch(/get-active-users/);
  });

  it('shows pending migrations without creating the database, applies them once, then shows them applied', async () => {
    const before = await json('db', 'migrate', '--status');
    expect(existsSync(tmp.db)).toBe(false);
    const first = await json('db', 'migrate');
    const second = await cli('db', 'migrate');
    const after = await cli('db', 'migrate', '--status');

    expect(before).toEqual([
      { slice: '@slicewise/users', migration: '000-check-users-table', status: 'pending', appliedAt: null },
      { slice: '@slicewise/users', migration: '001-create-users', status: 'pending', appliedAt: null },
      { slice: '@slicewise/user-stats', migration: '001-create-user-stats', status: 'pending', appliedAt: null },
    ]);
    expect(first).toEqual({
      applied: [
        '@slicewise/users/000-check-users-table',
        '@slicewise/users/001-create-users',
        '@slicewise/user-stats/001-create-user-stats',
      ],
    });
    expect(second.stdout).toBe('Up to date: no pending migrations.\n');
    expect(after.stdout).toMatch(/^@slicewise\/users\s+001-create-users\s+applied\s+\d{4}-\d\d-\d\dT/m);
    expect(after.stdout).toMatch(/^@slicewise\/user-stats\s+001-create-user-stats\s+applied\s+\d{4}-\d\d-\d\dT/m);
    expect(after.stdout).toMatch(/Up to date\.\n$/);
  });
});
