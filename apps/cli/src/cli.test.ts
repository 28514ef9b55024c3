import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, expectFailure, ids, json, sql, start, tmp, today } from './fixtures/real-cli.js';

// The real `slicewise users …` commands, run as child processes on a temporary database.
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

  it('pages a few hundred users by --after (the last id of the previous page) to the end, also the active ones', async () => {
    expect((await cli('db', 'seed', '--count', '330')).code).toBe(0);
    sql('DELETE FROM users WHERE id IN (100, 101, 250)'); // gaps: the cursor is an id, not a position

    const pages = async (...filter: string[]) => {
      const seen: number[][] = [];
      let after: number | undefined;
      for (let turn = 0; turn < 10; turn++) {
        const page = ids(
          await json('users', 'list', ...filter, '--limit', '100', ...(after ? ['--after', `${after}`] : [])),
        );
        seen.push(page);
        if (page.length === 0) break;
        after = page.at(-1);
      }
      return seen;
    };
    const all = await pages();
    const active = await pages('--active');

    const expected = Array.from({ length: 330 }, (_, i) => i + 1).filter((id) => ![100, 101, 250].includes(id));
    expect(all.map((page) => page.length)).toEqual([100, 100, 100, 27, 0]);
    expect(all.flat()).toEqual(expected);
    expect(active.flat()).toEqual(expected.filter((id) => id % 4 !== 0));
  }, 60_000); // spawns a dozen CLI processes: slow on a loaded machine

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
    expectFailure(
      bad,
      2,
      /^slicewise users get: invalid input/,
      /^ {2}<id>: must be a whole number from 1, in decimal digits \(e\.g\. 7\)$/,
    );
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
    expect(existsSync(tmp.db) ? sql('SELECT count(*) AS count FROM users') : [{ count: 0 }]).toEqual([{ count: 0 }]);
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

  it('keeps the good rows of a CSV file and reports each bad line by number on stderr as it comes', async () => {
    writeFileSync(join(tmp.dir, 'people.csv'), csv);

    const imported = await cli('users', 'import', 'people.csv', '--batch', '2');

    expect(imported.code).toBe(0);
    expect(imported.stdout).toBe('read      7\nimported  3\nrejected  4\ndone      true\n');
    expect(imported.stderr).toBe(
      'line 3: VALIDATION: email: must be a string\n' +
        'line 5: VALIDATION: name: must not be empty\n' +
        'line 6: VALIDATION: email: must be an email address\n' +
        'line 8: CONFLICT: email ann@example.com is already registered\n' +
        '4 rejected (listed above)\n',
    );
    expect(sql('SELECT name, email FROM users ORDER BY id')).toEqual([
      { name: 'Ann', email: 'ann@example.com' },
      { name: 'Bob', email: 'bob@example.com' },
      { name: 'Fay, Jr', email: 'fay@example.com' },
    ]);
  });

  it('prints the final progress as JSON on stdout and each rejected line as NDJSON on stderr', async () => {
    const ndjson = [
      '{"name":"Ann","email":"ann@example.com"}',
      '{"name":"Bob",',
      '{"name":"Cid","email":"cid@example.com"}',
      '[1,2]',
      '{"name":"Dee","email":"dee@example"}',
    ].join('\n');
    writeFileSync(join(tmp.dir, 'people.data'), ndjson);

    const imported = await cli('users', 'import', 'people.data', '--format', 'ndjson', '--batch', '1', '--json');

    expect(imported.code).toBe(0);
    expect(JSON.parse(imported.stdout)).toEqual({ read: 5, imported: 2, rejected: 3, done: true });
    const rejections = imported.stderr
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(rejections.map((rejection: { line: number; code: string }) => [rejection.line, rejection.code])).toEqual([
      [2, 'MALFORMED'],
      [4, expect.any(String)],
      [5, 'VALIDATION'],
    ]);
    expect(ids(await json('users', 'list'))).toEqual([1, 2]);
  });

  it('exits 3 for a missing file and 2 for an unknown format', async () => {
    writeFileSync(join(tmp.dir, 'people.txt'), 'x');
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
    writeFileSync(join(tmp.dir, 'big.ndjson'), `${lines.join('\n')}\n`);
    const child = start('users', 'import', 'big.ndjson');
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
    writeFileSync(join(tmp.dir, 'more.csv'), 'name,email\nAnn,ann@example.com\nbad\nCid,cid@example.com\n');
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
  }, 60_000); // spawns a dozen CLI processes: slow on a loaded machine
});
