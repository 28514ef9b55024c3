import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ProcessResult, runProcess } from './fixtures/run-process.js';

// The built CLI composed with the fixture slices (src/fixtures), run as a child process.
const entry = fileURLToPath(new URL('../dist/fixtures/fixture-cli.js', import.meta.url));

let dir: string;
let db: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'slicewise-fixture-'));
  db = join(dir, 'app.db');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const cli = (...args: string[]): Promise<ProcessResult> => runProcess(entry, [...args, '--db', db], { cwd: dir });

function rows<T>(sql: string): T[] {
  const sqlite = new BetterSqlite3(db, { readonly: true });
  try {
    return sqlite.prepare(sql).all() as T[];
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

describe('a command with options and permissions (people add)', () => {
  it('adds the person as the local administrator and prints it as a field list', async () => {
    const added = await cli('people', 'add', '--name', ' Ann Smith ', '--email', 'ann@example.com', '--admin');

    expect(added.code).toBe(0);
    expect(added.stdout).toMatch(/^id\s+1\nname\s+Ann Smith\nemail\s+ann@example.com\nadmin\s+true\nactive\s+true\n$/);
    expect(rows('SELECT name, admin FROM people')).toEqual([{ name: 'Ann Smith', admin: 1 }]);
  });

  it('prints only the JSON of the response with --json', async () => {
    const added = await cli('people', 'add', '--name', 'Bob', '--email', 'bob@example.com', '--json');

    expect(JSON.parse(added.stdout)).toEqual({
      id: 1,
      name: 'Bob',
      email: 'bob@example.com',
      admin: false,
      active: true,
    });
    expect(added.stderr).toBe('');
  });

  it('exits 4 on a conflict, saying what to change', async () => {
    await cli('people', 'add', '--name', 'Bob', '--email', 'bob@example.com');

    const again = await cli('people', 'add', '--name', 'Bobby', '--email', 'BOB@example.com');

    expectFailure(again, 4, /^slicewise people add: BOB@example.com is already registered: choose another e-mail$/);
    expect(rows('SELECT name FROM people')).toEqual([{ name: 'Bob' }]);
  });

  it('exits 2 with one line per invalid field, named as its option', async () => {
    const invalid = await cli('people', 'add', '--name', ' ', '--email', 'not-an-email');

    expectFailure(
      invalid,
      2,
      /^slicewise people add: invalid input \(2 problem\(s\)\): fix the values below, see slicewise people add --help$/,
      /^ {2}--name: Too small/,
      /^ {2}--email: Invalid email address$/,
    );
  });

  it('exits 2 on an option the declaration does not have', async () => {
    expectFailure(
      await cli('people', 'add', '--name', 'A', '--email', 'a@b.co', '--nickname', 'x'),
      2,
      /^slicewise people add: Unknown option '--nickname': run slicewise people add --help for usage$/,
    );
  });
});

describe('a query with a positional id (people get)', () => {
  it('prints the person in both modes', async () => {
    await cli('people', 'add', '--name', 'Ann', '--email', 'ann@example.com');

    const readable = await cli('people', 'get', '1');
    const json = await cli('people', 'get', '1', '--json');

    expect(readable.stdout).toContain('email   ann@example.com');
    expect(JSON.parse(json.stdout)).toMatchObject({ id: 1, name: 'Ann' });
  });

  it('exits 3 when nobody has the id', async () => {
    expectFailure(await cli('people', 'get', '42'), 3, /^slicewise people get: Person 42 does not exist/);
  });

  it('exits 2 without the id, with a non-numeric id, or with one argument too many', async () => {
    expectFailure(await cli('people', 'get'), 2, /Missing argument <id>: run slicewise people get --help/);
    expectFailure(await cli('people', 'get', 'abc'), 2, /invalid input \(1 problem/, /^ {2}<id>: /);
    expectFailure(await cli('people', 'get', '1', '2'), 2, /Unexpected argument '2'/);
  });
});

describe('a query with boolean and number options (people list)', () => {
  it('passes --active and --limit N typed as the schema says', async () => {
    await cli('people', 'add', '--name', 'Ann', '--email', 'ann@example.com');
    await cli('people', 'add', '--name', 'Bob', '--email', 'bob@example.com');
    await cli('people', 'add', '--name', 'Cid', '--email', 'cid@example.com');
    new BetterSqlite3(db).prepare('UPDATE people SET active = 0 WHERE id = 1').run();

    const json = await cli('people', 'list', '--active', '--limit', '1', '--json');
    const table = await cli('people', 'list');

    expect(JSON.parse(json.stdout).map((person: { id: number }) => person.id)).toEqual([2]);
    expect(table.stdout.split('\n')).toEqual([
      expect.stringMatching(/^id\s+name\s+email\s+admin\s+active$/),
      expect.stringMatching(/^ 1\s+Ann\s+ann@example.com\s+false\s+false$/),
      expect.stringMatching(/^ 2\s+Bob/),
      expect.stringMatching(/^ 3\s+Cid/),
      '',
    ]);
  });

  it('says so when there is nobody to list, and prints [] with --json', async () => {
    expect((await cli('people', 'list')).stdout).toBe('(no rows)\n');
    expect(JSON.parse((await cli('people', 'list', '--json')).stdout)).toEqual([]);
  });

  it('exits 2 on a limit out of range', async () => {
    expectFailure(await cli('people', 'list', '--limit', '0'), 2, /invalid input/, /^ {2}--limit: Too small/);
  });
});

describe('a request whose schema has no JSON Schema (echo)', () => {
  it('takes any --key value, --key=value and bare flag', async () => {
    const echoed = await cli('echo', '--first-name', 'Ann', '--n=3', '--loud', '--json');

    expect(JSON.parse(echoed.stdout)).toEqual({ firstName: 'Ann', n: '3', loud: true });
  });

  it('exits 1 on an unexpected failure, with the stack only under --verbose', async () => {
    expectFailure(
      await cli('echo', '--fail'),
      1,
      /^slicewise echo: unexpected failure: the echo failed on purpose \(run again with --verbose/,
    );

    const verbose = await cli('echo', '--fail', '--verbose');
    expect(verbose.code).toBe(1);
    expect(verbose.stderr).toMatch(/\n\s+at EchoHandler.handle/);
  });
});

describe('a stream request (people import)', () => {
  const csv = [
    'name,email',
    'Ann,ann@example.com',
    'a line without a comma',
    'Bob,bob@example.com',
    ',nameless@example.com',
    'Cid,not-an-email',
    'Dee,dee@example.com,extra',
    'Eve,ann@example.com',
    'Fay,fay@example.com',
  ].join('\n');

  it('keeps the good rows and reports each malformed line by number', async () => {
    writeFileSync(join(dir, 'people.csv'), csv);

    const imported = await cli('people', 'import', 'people.csv', '--batch-size', '2');

    expect(imported.code).toBe(0);
    expect(imported.stdout).toBe('read      9\nimported  3\ntotal     9\nrejected  5\n');
    expect(imported.stderr).toBe(
      'line 3: expected 2 fields (name,email), got 1\n' +
        'line 5: the name is empty\n' +
        'line 6: invalid e-mail address "not-an-email"\n' +
        'line 7: expected 2 fields (name,email), got 3\n' +
        'line 8: ann@example.com already exists\n' +
        '5 rejected (listed above)\n',
    );
    expect(rows('SELECT name FROM people ORDER BY id')).toEqual([{ name: 'Ann' }, { name: 'Bob' }, { name: 'Fay' }]);
  });

  it('prints the final progress with the count of rejected lines as JSON, the lines to --rejects', async () => {
    writeFileSync(join(dir, 'people.csv'), csv);

    const imported = await cli('people', 'import', 'people.csv', '--json', '--rejects', 'bad.ndjson');

    expect(JSON.parse(imported.stdout)).toEqual({ read: 9, imported: 3, total: 9, rejected: 5 });
    expect(imported.stderr).toBe('');
    const lines = readFileSync(join(dir, 'bad.ndjson'), 'utf8').trimEnd().split('\n');
    expect(lines.map((line) => JSON.parse(line).line)).toEqual([3, 5, 6, 7, 8]);
  });

  it('reads a relative file from the folder the command was typed in (INIT_CWD under pnpm)', async () => {
    writeFileSync(join(dir, 'people.csv'), csv);

    const imported = await runProcess(entry, ['people', 'import', 'people.csv', '--json', '--db', 'app.db'], {
      cwd: tmpdir(),
      env: { INIT_CWD: dir },
    });

    expect(JSON.parse(imported.stdout)).toMatchObject({ imported: 3 });
    expect(rows('SELECT count(*) AS count FROM people')).toEqual([{ count: 3 }]);
  });

  it('exits 3 when the file does not exist', async () => {
    expectFailure(await cli('people', 'import', 'missing.csv'), 3, /Cannot read missing.csv: no such file/);
  });

  it('shows progress lines on stderr, and on Ctrl-C keeps whole batches only and says how many rows', async () => {
    const lines = Array.from({ length: 200_000 }, (_, i) => `Person ${i},person${i}@example.com`);
    writeFileSync(join(dir, 'big.csv'), `${lines.join('\n')}\n`);
    const { SLICEWISE_DB, INIT_CWD, ...env } = process.env;
    const child = spawn(process.execPath, [entry, 'people', 'import', 'big.csv', '--pause-ms', '10', '--db', db], {
      cwd: dir,
      env,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    const progressed = new Promise<void>((resolve) =>
      child.stderr.on('data', (chunk) => {
        stderr += chunk;
        if (/rows\/s/.test(stderr)) resolve();
      }),
    );
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));

    await Promise.race([progressed, exited]);
    child.kill('SIGINT');
    const code = await exited;

    expect(code).toBe(130);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^people import: [\d,]+\/200,000 rows \(\d+%\), [\d,]+ rows\/s, ETA \S+$/m);
    const kept = Number(/Cancelled: ([\d,]+) rows were kept/.exec(stderr)?.[1]?.replaceAll(',', ''));
    const [{ count }] = rows<{ count: number }>('SELECT count(*) AS count FROM people') as [{ count: number }];
    expect(count).toBe(kept);
    expect(count).toBeGreaterThan(0);
    expect(count).toBeLessThan(200_000);
    expect(count % 1000).toBe(0);
    expect(rows('PRAGMA integrity_check')).toEqual([{ integrity_check: 'ok' }]);
  });
});

describe('help', () => {
  it('exists for every command, generated from its declaration', async () => {
    const root = await cli('--help');
    const commands = [...root.stdout.matchAll(/^ {2}([a-z]+(?: [a-z-]+)?)(?= |$)/gm)].map(
      (match) => match[1] as string,
    );

    expect(commands).toEqual([
      'echo',
      'people add',
      'people get',
      'people import',
      'people list',
      'db migrate',
      'slices',
      'events status',
      'events parked',
      'events retry',
      'events catch-up',
    ]);
    const helps = await Promise.all(commands.map((command) => cli(...command.split(' '), '--help')));
    helps.forEach((help, i) => {
      expect(help.code).toBe(0);
      expect(help.stdout).toContain(`Usage: slicewise ${commands[i]}`);
      expect(help.stdout).toContain('Exit codes:');
    });
    const add = await cli('people', 'add', '--help');
    expect(add.stdout).toContain('--email <email>  e-mail address, unique (string, required)');
    expect(add.stdout).toContain('--admin          grant admin rights (boolean, default: false)');
    const list = await cli('people', 'list', '--help');
    expect(list.stdout).toContain('--limit <N>  at most N people (integer, default: 50)');
  }, 90_000); // one CLI process per command, all at once: slow beside a whole test run on 2 cores

  it('lists a group of commands, and exits 2 listing it when no command of the group is given', async () => {
    const help = await cli('people', '--help');
    const bare = await cli('people');

    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/people get <id>\s+Show one person by id/);
    expect(help.stdout).not.toContain('echo');
    expect(bare.code).toBe(2);
    expect(bare.stderr).toMatch(/people get <id>/);
  });
});

describe('slices', () => {
  it('lists the composed slices and their requests in both modes', async () => {
    const table = await cli('slices');
    const json = await cli('slices', '--json');

    expect(table.stdout).toMatch(
      /^slice\s+version\s+requests\s+migrations\nfixture-people\s+1\.2\.3\s+4\s+1\nfixture-echo\s+0\.0\.1\s+1\s+0\n/,
    );
    expect(table.stdout).toMatch(/ImportPeople\s+stream\s+fixture-people\s+slicewise people import/);
    const people = JSON.parse(json.stdout)[0];
    expect(people).toMatchObject({ name: 'fixture-people', version: '1.2.3', migrations: ['001-create-people'] });
    expect(people.requests).toContainEqual({
      name: 'AddPerson',
      kind: 'command',
      command: 'slicewise people add',
      route: null,
      description: 'Add a person',
      permissions: ['people:write'],
    });
  });
});
