import { execFile, spawnSync } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasRawControlCharacter } from './fixtures/control-characters.js';
import { bin, cli, expectFailure, sql, start, tmp } from './fixtures/real-cli.js';
import type { ProcessResult } from './fixtures/run-process.js';

const users = () => sql<{ id: number; name: string; active: number }>('SELECT id, name, active FROM users ORDER BY id');

describe('terminal escape injection', () => {
  it('prints names holding ESC, BEL, CR, C1 and bidi controls escaped, in tables, fields and JSON', async () => {
    await cli('db', 'seed', '--count', '1');
    sql("UPDATE users SET name = 'Eve' || char(27) || '[2J' || char(13) || ' 9  Admin' || char(7) WHERE id = 1");
    sql("INSERT INTO users (name, email) VALUES ('Mal' || char(155) || '31m' || char(8238) || 'exe', 'mal@x.io')");

    const [list, get, asJson] = await Promise.all([
      cli('users', 'list'),
      cli('users', 'get', '2'),
      cli('users', 'list', '--json'),
    ]);

    expect(list.stdout).toBe(
      'id  name                               email                       active\n' +
        ' 1  Eve\\u001b[2J\\u000d 9  Admin\\u0007  ada.lovelace.1@example.com  true\n' +
        ' 2  Mal\\u009b31m\\u202eexe              mal@x.io                    true\n',
    );
    expect(get.stdout).toBe('id      2\nname    Mal\\u009b31m\\u202eexe\nemail   mal@x.io\nactive  true\n');
    expect(asJson.stdout).toContain('"name": "Eve\\u001b[2J\\r 9  Admin\\u0007"');
    expect(asJson.stdout).toContain('"name": "Mal\\u009b31m\\u202eexe"');
    for (const output of [list.stdout, get.stdout, asJson.stdout]) {
      expect(hasRawControlCharacter(output)).toBe(false);
    }
    expect(JSON.parse(asJson.stdout)[1].name).toBe('Mal\u009b31m\u202eexe');
  });

  it('refuses to register a name or email with a control character, naming the field and its class', async () => {
    const [name, bidi, email] = await Promise.all([
      cli('users', 'register', 'Eve\u001b[2J', 'eve@example.com'),
      cli('users', 'register', 'Eve\u202egnp', 'eve@example.com'),
      cli('users', 'register', 'Eve', 'eve@example.com\u0085'),
    ]);

    expectFailure(
      name,
      2,
      /invalid input \(1 problem/,
      /^ {2}<name>: name must not contain control characters: found U\+001B \(a C0 control character\)$/,
    );
    expectFailure(bidi, 2, /invalid input/, /^ {2}<name>: .*found U\+202E \(a bidi override\)$/);
    expectFailure(email, 2, /invalid input/, /^ {2}<email>: .*found U\+0085 \(a C1 control character\)$/);
    expect(sql('SELECT count(*) AS n FROM users')).toEqual([{ n: 0 }]);
  });
});

describe('strict ids', () => {
  it.each(['0x2', '1e0', ' 1 ', '01', '+1', '1.0', '2abc'])(
    'refuses the id %j in users get and users deactivate, changing nothing',
    async (id) => {
      await cli('db', 'seed', '--count', '3');

      const [get, deactivate] = await Promise.all([cli('users', 'get', id), cli('users', 'deactivate', id)]);

      expectFailure(get, 2, /invalid input/, /^ {2}<id>: must be a whole number from 1, in decimal digits/);
      expectFailure(deactivate, 2, /invalid input/, /^ {2}<id>: must be a whole number from 1/);
      expect(users().map((user) => user.active)).toEqual([1, 1, 1]);
    },
  );
});

describe('--db', () => {
  it('refuses an empty path instead of using the default database', async () => {
    const result = await cli('users', 'list', '--db', '');

    expectFailure(result, 2, /^slicewise users list: --db needs a file path, not an empty string: run/);
  });

  it('fails at once, naming the path, for a folder that cannot be created (/proc/x), a file, a device or a folder', async () => {
    const started = performance.now();

    const [proc, file] = await Promise.all([
      cli('users', 'list', '--db', '/proc/slicewise-test/app.db'),
      cli('users', 'register', 'Ada', 'ada@example.com', '--db', join(bin, 'app.db')),
    ]);

    expect(performance.now() - started).toBeLessThan(10_000);
    expectFailure(proc, 2, /Cannot create the folder \/proc\/slicewise-test for the database .*\(ENOENT\)$/);
    expectFailure(file, 2, /Cannot use the database .*slicewise\.js\/app\.db: .*slicewise\.js is not a folder$/);
    const [device, folder] = await Promise.all([
      cli('users', 'list', '--db', '/dev/null'),
      cli('users', 'list', '--db', tmp.dir),
    ]);
    expectFailure(
      device,
      2,
      /^slicewise users list: Cannot use the database \/dev\/null: it is a device, pipe or socket, not a file$/,
    );
    expectFailure(folder, 2, /Cannot use the database .*: it is a folder, not a file$/);
  });
});

describe('a users table of another schema', () => {
  it('fails naming the table, the migration and what differs, adopting nothing', async () => {
    sql('CREATE TABLE users (id INTEGER PRIMARY KEY, login TEXT, email TEXT)');

    const result = await cli('users', 'list');

    expectFailure(
      result,
      1,
      /^slicewise users list: The database already has a users table that @slicewise\/users\/001-create-users cannot adopt: it has no column name, active, created_at; email has no UNIQUE COLLATE NOCASE constraint\./,
    );
    expect(result.stderr).not.toMatch(/no such column|CREATE|SELECT/);
    expect(sql("SELECT name FROM sqlite_master WHERE name LIKE 'users%'")).toEqual([{ name: 'users' }]);
  });
});

const asRoot = process.getuid?.() === 0;
/**
 * As root the CLI runs as `nobody`, who must be able to read this checkout: a clone under a private folder (a
 * `mktemp -d` is 0700) is not. Those tests are then skipped, saying why, rather than failing on the checkout.
 */
const nobodyCanRunTheCli =
  !asRoot || spawnSync(process.execPath, [bin, '--version'], { uid: 65534, gid: 65534 }).status === 0;
if (!nobodyCanRunTheCli) {
  console.warn(`Skipped: user nobody cannot read ${bin}, so the read-only database tests cannot run as nobody here`);
}

/**
 * Runs the CLI as a user who cannot write the database file (`nobody` when the tests run as root, since chmod
 * does not stop root); `folder: 'read-only'` takes away the folder's write access too.
 */
function cliWithoutWriteAccess(args: string[], folder: 'writable' | 'read-only' = 'writable'): Promise<ProcessResult> {
  chmodSync(tmp.dir, folder === 'read-only' ? 0o555 : asRoot ? 0o777 : 0o755);
  chmodSync(tmp.db, 0o444);
  const { SLICEWISE_DB, INIT_CWD, ...env } = process.env;
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, ...args, '--db', tmp.db],
      { cwd: tmp.dir, env, ...(asRoot && { uid: 65534, gid: 65534 }) },
      (error, stdout, stderr) => {
        chmodSync(tmp.dir, 0o755);
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

describe.skipIf(!nobodyCanRunTheCli)('a database this user cannot write', () => {
  it('is listed through a read-only open, and refuses writes before trying them', async () => {
    await cli('db', 'seed', '--count', '3');

    const list = await cliWithoutWriteAccess(['users', 'list', '--json']);
    const get = await cliWithoutWriteAccess(['users', 'get', '2']);
    const register = await cliWithoutWriteAccess(['users', 'register', 'Eve', 'eve@example.com']);
    const deactivate = await cliWithoutWriteAccess(['users', 'deactivate', '1']);

    expect(list.code, list.stderr).toBe(0);
    expect(JSON.parse(list.stdout)).toHaveLength(3);
    expect(get.stdout).toMatch(/^name {4}Alan Turing$/m);
    expectFailure(register, 1, /^slicewise users register: The database .*app\.db is read-only for this user/);
    expectFailure(deactivate, 1, /is read-only for this user: this command writes/);
    expect(users().map((user) => user.active)).toEqual([1, 1, 1]);
  });

  it('says which migrations are pending and how to apply them, instead of trying to write', async () => {
    await cli('db', 'seed', '--count', '2');
    sql("DELETE FROM _slicewise_migrations WHERE name = '000-check-users-table'");

    const list = await cliWithoutWriteAccess(['users', 'list']);

    expectFailure(
      list,
      1,
      /is read-only for this user and has 1 pending migration\(s\): @slicewise\/users\/000-check-users-table\. Apply them as a user who can write it: slicewise db migrate --db .*app\.db$/,
    );
    expect(list.stderr).not.toMatch(/attempt to write a readonly database/);
  });

  it('says why a WAL database in a read-only folder cannot be read, and what would fix it', async () => {
    await cli('db', 'seed', '--count', '2');

    const list = await cliWithoutWriteAccess(['users', 'list'], 'read-only');

    expectFailure(
      list,
      1,
      /^slicewise users list: Cannot read the database .*app\.db: it uses write-ahead logging and its folder is read-only for this user, so SQLite cannot create .*app\.db-shm\. Give this user write access to the folder, or have its owner switch the file to journal_mode=DELETE$/,
    );
  });
});

describe('SIGTERM', () => {
  it('cancels an import like Ctrl-C: whole batches kept, as many as it says, exit 143', async () => {
    const rows = 300_000;
    const lines = Array.from({ length: rows }, (_, i) => `{"name":"Person ${i}","email":"person${i}@example.com"}`);
    writeFileSync(join(tmp.dir, 'big.ndjson'), `${lines.join('\n')}\n`);
    const child = start('users', 'import', 'big.ndjson');
    let stderr = '';
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    const progressed = new Promise<void>((resolve) =>
      child.stderr.on('data', (chunk) => {
        stderr += chunk;
        if (/rows\/s/.test(stderr)) resolve();
      }),
    );

    await Promise.race([progressed, exited]);
    child.kill('SIGTERM');
    const code = await exited;

    expect(code).toBe(143);
    expect(stderr).toMatch(/Cancelling… \(send SIGTERM again to quit at once\)/);
    const kept = Number(/Cancelled: ([\d,]+) rows were kept/.exec(stderr)?.[1]?.replaceAll(',', ''));
    const [{ count }] = sql<{ count: number }>('SELECT count(*) AS count FROM users') as [{ count: number }];
    expect(count).toBe(kept);
    expect(count).toBeGreaterThan(0);
    expect(count % 1000).toBe(0);
  });
});
