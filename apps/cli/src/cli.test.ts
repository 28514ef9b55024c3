import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../bin/slicewise.js', import.meta.url));
const run = promisify(execFile);

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'slicewise-cli-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the built CLI as a child process in `dir`, with a clean environment for the database path. */
async function cli(args: string[], env: Record<string, string> = {}): Promise<Result> {
  const { SLICEWISE_DB, INIT_CWD, ...inherited } = process.env;
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], { cwd: dir, env: { ...inherited, ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('slicewise users list --active', () => {
  it('prints only the active users after a seed, as JSON alone on stdout', async () => {
    const db = join(dir, 'app.db');
    expect((await cli(['db', 'seed', '--count', '8', '--db', db])).code).toBe(0);

    const listed = await cli(['users', 'list', '--active', '--json', '--db', db]);

    expect(listed.code).toBe(0);
    const users = JSON.parse(listed.stdout) as { id: number; active: boolean }[];
    expect(users.map((user) => user.id)).toEqual([1, 2, 3, 5, 6, 7]);
    expect(users.every((user) => user.active === true)).toBe(true);
    expect(Object.keys(users[0] ?? {})).toEqual(['id', 'name', 'email', 'active']);
  });

  it('reflects a row changed directly in SQLite', async () => {
    const file = join(dir, 'app.db');
    await cli(['db', 'seed', '--count', '3', '--db', file]);
    const sqlite = new BetterSqlite3(file);
    sqlite.prepare('UPDATE users SET active = 0 WHERE id = 2').run();
    sqlite.close();

    const listed = await cli(['users', 'list', '--active', '--json', '--db', file]);

    expect(JSON.parse(listed.stdout).map((user: { id: number }) => user.id)).toEqual([1, 3]);
  });

  it('prints a table by default', async () => {
    const db = join(dir, 'app.db');
    await cli(['db', 'seed', '--count', '1', '--db', db]);

    const listed = await cli(['users', 'list', '--active', '--db', db]);

    expect(listed.stdout.split('\n')[0]).toMatch(/^id\s+name\s+email\s+active$/);
    expect(listed.stdout).toContain('ada.lovelace.1@example.com');
  });
});

describe('slicewise db seed', () => {
  it('uses SLICEWISE_DB, and ./data/slicewise.db when nothing is set', async () => {
    await cli(['db', 'seed', '--count', '2'], { SLICEWISE_DB: join(dir, 'env.db') });
    await cli(['db', 'seed', '--count', '3']);

    const fromEnv = await cli(['users', 'list', '--active', '--json'], { SLICEWISE_DB: join(dir, 'env.db') });
    const fromDefault = await cli(['users', 'list', '--active', '--json', '--db', join(dir, 'data', 'slicewise.db')]);
    expect(JSON.parse(fromEnv.stdout)).toHaveLength(2);
    expect(JSON.parse(fromDefault.stdout)).toHaveLength(3);
  });

  it('adds nothing twice when run again', async () => {
    const db = join(dir, 'app.db');
    await cli(['db', 'seed', '--count', '4', '--db', db]);

    const again = await cli(['db', 'seed', '--count', '4', '--json', '--db', db]);

    expect(JSON.parse(again.stdout)).toEqual({ added: 0, requested: 4 });
  });
  it('shows progress on stderr for a large count, and on Ctrl-C keeps the batches written before it', async () => {
    const db = join(dir, 'app.db');
    const { SLICEWISE_DB, INIT_CWD, ...env } = process.env;
    const child = spawn(process.execPath, [bin, 'db', 'seed', '--count', '5000000', '--db', db], { cwd: dir, env });
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
    const sqlite = new BetterSqlite3(db, { readonly: true });
    const { count } = sqlite.prepare('SELECT count(*) AS count FROM users').get() as { count: number };
    expect(sqlite.pragma('integrity_check')).toEqual([{ integrity_check: 'ok' }]);
    sqlite.close();
    expect(count).toBe(kept);
    expect(count % 1000).toBe(0);
  });
});

describe('slicewise errors', () => {
  it.each([
    [['db', 'seed', '--count', 'many'], /--count: must be a whole number/],
    [['db', 'seed', '--count', '0'], /--count: must be a whole number/],
    [['users', 'list', '--bogus'], /Unknown option '--bogus'/],
    [['users', 'remove'], /Unknown command "users remove"/],
  ])('exits 2 with one line on stderr for %j', async (args, message) => {
    const result = await cli([...args, '--db', join(dir, 'app.db')]);

    expect(result.code).toBe(2);
    expect(result.stderr.split('\n').length).toBeLessThanOrEqual(3);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('exits 2 naming the missing flag when users list lacks --active', async () => {
    const result = await cli(['users', 'list', '--db', join(dir, 'app.db')]);

    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^slicewise users list: invalid input .*\n {2}--active: is required/);
  });
});

describe('slicewise help', () => {
  it('prints the version, and help for every command listed, with the exit codes', async () => {
    const help = await cli(['--help']);
    const version = await cli(['--version']);
    const commands = [...help.stdout.matchAll(/^ {2}([a-z]+(?: [a-z]+)?)(?= |$)/gm)].map((match) => match[1] as string);

    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    expect(help.stdout).toMatch(/^ {2}users list --active\s+List the active users$/m);
    expect(help.stdout).toMatch(/^ {2}4\s+conflict/m);
    expect(commands).toEqual(['users list', 'db migrate', 'db seed', 'slices']);
    const helps = await Promise.all(commands.map((command) => cli([...command.split(' '), '--help'])));
    helps.forEach((text, i) => {
      expect(text.code).toBe(0);
      expect(text.stdout).toContain(`Usage: slicewise ${commands[i]}`);
    });
    expect((await cli(['users', '--help'])).stdout).toMatch(/users list --active/);
  });
});

describe('slicewise slices and db migrate', () => {
  it('lists the composed slices with versions and their commands', async () => {
    const table = await cli(['slices']);
    const json = await cli(['slices', '--json']);

    expect(table.stdout).toMatch(/^@slicewise\/get-active-users\s+\d+\.\d+\.\d+\s+1\s+1$/m);
    expect(table.stdout).toMatch(/^GetActiveUsers\s+query\s+@slicewise\/get-active-users\s+slicewise users list/m);
    expect(JSON.parse(json.stdout)).toEqual([
      expect.objectContaining({ name: '@slicewise/get-active-users', migrations: ['001-create-users'] }),
    ]);
  });

  it('shows pending migrations without creating the database, applies them once, then shows them applied', async () => {
    const db = join(dir, 'new.db');

    const before = await cli(['db', 'migrate', '--status', '--json', '--db', db]);
    expect(existsSync(db)).toBe(false);
    const first = await cli(['db', 'migrate', '--json', '--db', db]);
    const second = await cli(['db', 'migrate', '--db', db]);
    const after = await cli(['db', 'migrate', '--status', '--db', db]);

    expect(JSON.parse(before.stdout)).toEqual([
      { slice: '@slicewise/get-active-users', migration: '001-create-users', status: 'pending', appliedAt: null },
    ]);
    expect(JSON.parse(first.stdout)).toEqual({ applied: ['@slicewise/get-active-users/001-create-users'] });
    expect(second.stdout).toBe('Up to date: no pending migrations.\n');
    expect(after.stdout).toMatch(/001-create-users\s+applied\s+\d{4}-\d\d-\d\dT/);
  });
});
