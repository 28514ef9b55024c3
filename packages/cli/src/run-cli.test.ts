import 'reflect-metadata';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Database } from '@slicewise/db';
import { declareRequest, defineSlice, errorCodes, handle, Query, SlicewiseError } from '@slicewise/mediator';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exitCodeOf, UsageError } from './exit-codes.js';
import { fixtureSlices } from './fixtures/registry.js';
import { type CommandManifest, commandManifest } from './manifest.js';
import { lazySlice, loadSlices, type SliceSource } from './registry.js';
import { runCli } from './run-cli.js';

/** A stream double that keeps what is written. */
function stream(isTTY = false) {
  return {
    isTTY,
    text: '',
    write(chunk: string) {
      this.text += chunk;
      return true;
    },
  };
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'slicewise-run-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

interface RunOptions {
  tty?: boolean;
  env?: NodeJS.ProcessEnv;
  registry?: readonly SliceSource[];
  manifest?: CommandManifest;
  db?: string;
  name?: string;
}

async function run(argv: string[], options: RunOptions = {}) {
  const stdout = stream(options.tty);
  const stderr = stream(options.tty);
  const code = await runCli({
    argv: [...argv, '--db', options.db ?? join(dir, 'app.db')],
    slices: options.registry ?? fixtureSlices,
    ...(options.manifest && { manifest: options.manifest }),
    ...(options.name && { name: options.name }),
    env: options.env ?? {},
    stdout,
    stderr,
  });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

describe('exit codes', () => {
  it('map every mediator error code as documented, usage errors to 2 and anything else to 1', () => {
    const documented = { VALIDATION: 2, NOT_FOUND: 3, CONFLICT: 4, CANCELLED: 130 } as Record<string, number>;
    for (const code of errorCodes) {
      expect(exitCodeOf(new SlicewiseError(code, code)), code).toBe(documented[code] ?? 1);
    }
    expect(exitCodeOf(new UsageError('no such option'))).toBe(2);
    expect(exitCodeOf(new Error('boom'))).toBe(1);
  });
});

class Shout extends Query<string> {
  static readonly declaration = declareRequest({ meta: { cli: { command: 'echo' } } });
}
const shoutHandler = class {
  handle = () => 'HI';
};
const shouting = defineSlice({ name: 'shouting', handlers: [handle(Shout, shoutHandler)] });

describe('the command manifest', () => {
  it('lists every command the declarations expose, with the slices to load and how it uses the database', async () => {
    const manifest = commandManifest(await loadSlices(fixtureSlices));

    expect(manifest.slices).toEqual(['fixture-people', 'fixture-echo']);
    expect(manifest.commands.map(({ command, kind, slice, load }) => ({ command, kind, slice, load }))).toEqual([
      { command: 'echo', kind: 'query', slice: 'fixture-echo', load: ['fixture-echo'] },
      { command: 'people add', kind: 'command', slice: 'fixture-people', load: ['fixture-people'] },
      { command: 'people get', kind: 'query', slice: 'fixture-people', load: ['fixture-people'] },
      { command: 'people import', kind: 'stream', slice: 'fixture-people', load: ['fixture-people'] },
      { command: 'people list', kind: 'query', slice: 'fixture-people', load: ['fixture-people'] },
    ]);
    const get = manifest.commands.find((entry) => entry.command === 'people get');
    expect(get?.fields.args).toEqual([
      { key: 'id', flag: 'id', type: 'integer', required: true, description: 'the id of the person' },
    ]);
    expect(JSON.parse(JSON.stringify(manifest))).toEqual(manifest);
  });

  it('fails, naming both requests, when two requests declare the same command', async () => {
    const result = await run(['echo'], { registry: [...fixtureSlices, shouting] });

    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /Two requests declare the command "echo": Echo of fixture-echo and Shout of shouting/,
    );
  });

  it.each([
    [{ command: 'Users List' }, /command "Users List" must be words of lowercase letters/],
    [{ command: 'users  list' }, /must be words of lowercase letters, digits and dashes, one space apart/],
    [{ command: 7 }, /command is not a string/],
    [{ command: 'x', args: 'id' }, /args must be a list of input field names/],
    ['users list', /it is not an object/],
  ])('fails at start-up, naming the request and its slice, on a malformed meta.cli (%j)', async (cli, message) => {
    class Broken extends Query<string> {
      static readonly declaration = declareRequest({ meta: { cli: cli as never } });
    }
    const broken = defineSlice({ name: 'broken', handlers: [handle(Broken, shoutHandler)] });

    const result = await run(['--help'], { registry: [broken] });

    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/The request Broken of broken has an invalid meta\.cli: /);
    expect(result.stderr).toMatch(message);
  });

  it('fails when args names a field the input does not have', async () => {
    const loaded = await loadSlices(fixtureSlices);
    const people = loaded[0] as (typeof loaded)[0];
    const [registration] = people.handlers ?? [];
    const message = registration?.message as unknown as { declaration: { meta: unknown } };
    const original = message.declaration.meta;
    message.declaration.meta = { cli: { command: 'people get', args: ['uid'] } };
    try {
      expect(() => commandManifest(loaded)).toThrow(
        /The request GetPerson of fixture-people has an invalid meta\.cli: args names "uid", which is not a field of its input/,
      );
    } finally {
      message.declaration.meta = original;
    }
  });

  it('fails naming both names when a lazy slice loads a slice of another name', async () => {
    const result = await run(['echo'], { registry: [lazySlice('fixture-shout', async () => shouting)] });

    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/The lazy slice "fixture-shout" loaded a slice named "shouting"/);
  });

  it('fails saying to rebuild when the manifest names a slice the CLI does not serve', async () => {
    const manifest = commandManifest(await loadSlices(fixtureSlices));

    const result = await run(['echo'], { manifest, registry: fixtureSlices.slice(0, 1) });

    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /names the slice "fixture-echo", which this CLI does not serve: rebuild the manifest/,
    );
  });

  it('fails saying to build the CLI when the manifest file is missing, even for --help', async () => {
    const stderr = stream();

    const code = await runCli({
      argv: ['--help'],
      slices: fixtureSlices,
      manifest: new URL(`file://${join(dir, 'commands.json')}`),
      env: {},
      stdout: stream(),
      stderr,
    });

    expect(code).toBe(1);
    expect(stderr.text).toMatch(/Cannot read the command manifest .*commands\.json \(ENOENT\): build the CLI/);
  });

  it('says the manifest is out of date when it names a command no loaded request declares', async () => {
    const manifest = commandManifest(await loadSlices(fixtureSlices));
    const stale = {
      ...manifest,
      commands: manifest.commands.map((entry) => (entry.command === 'echo' ? { ...entry, command: 'shout' } : entry)),
    };

    const result = await run(['shout'], { manifest: stale });

    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/No composed request declares the command "shout".*out of date, rebuild it/);
  });
});

describe('global options', () => {
  it('may come before the command words', async () => {
    const stdout = stream();
    const db = join(dir, 'first.db');

    const code = await runCli({
      argv: ['--db', db, '--json', 'people', 'list'],
      slices: fixtureSlices,
      env: {},
      stdout,
      stderr: stream(),
    });

    expect(code).toBe(0);
    expect(JSON.parse(stdout.text)).toEqual([]);
    expect(existsSync(db)).toBe(true);
  });
});

describe('lazy loading', () => {
  async function spying(): Promise<{ registry: SliceSource[]; loaded: string[]; manifest: CommandManifest }> {
    const loaded: string[] = [];
    const all = await loadSlices(fixtureSlices);
    const registry = all.map((slice) =>
      lazySlice(slice.name, async () => {
        loaded.push(slice.name);
        return slice;
      }),
    );
    return { registry, loaded, manifest: commandManifest(all) };
  }

  it('imports only the slice serving the command', async () => {
    const { registry, loaded, manifest } = await spying();

    expect((await run(['echo', '--x', '1'], { registry, manifest })).code).toBe(0);
    expect(loaded).toEqual(['fixture-echo']);
  });

  it('imports no slice and opens no database for --help, a group, or --version', async () => {
    const { registry, loaded, manifest } = await spying();
    const db = join(dir, 'missing', 'app.db');

    const root = await run(['--help'], { registry, manifest, db });
    const group = await run(['people', '--help'], { registry, manifest, db });
    const command = await run(['people', 'get', '--help'], { registry, manifest, db });
    const version = await run(['--version'], { registry, manifest, db });

    expect([root.code, group.code, command.code, version.code]).toEqual([0, 0, 0, 0]);
    expect(root.stdout).toMatch(/people get <id>/);
    expect(command.stdout).toMatch(/<id> +the id of the person \(integer, required\)/);
    expect(loaded).toEqual([]);
    expect(existsSync(join(dir, 'missing'))).toBe(false);
  });

  it('imports every slice for the host commands', async () => {
    const { registry, loaded, manifest } = await spying();

    await run(['slices', '--json'], { registry, manifest });

    expect(loaded).toEqual(['fixture-people', 'fixture-echo']);
  });

  it('loads the slices answering the requests a slice sends, beside it', async () => {
    const { registry, loaded } = await spying();
    const all = await loadSlices(fixtureSlices);
    const people = all[0] as (typeof all)[0];
    const echo = { ...(all[1] as (typeof all)[1]), sends: [people.handlers?.[0]?.message as never] };
    const manifest = commandManifest([people, echo]);

    await run(['echo'], { registry, manifest });

    expect(manifest.commands.find((entry) => entry.command === 'echo')?.load).toEqual([
      'fixture-echo',
      'fixture-people',
    ]);
    expect(loaded.sort()).toEqual(['fixture-echo', 'fixture-people']);
  });
});

describe('the executable name', () => {
  it('is the one the host gives, in help and messages', async () => {
    const help = await run(['--help'], { name: 'people-admin' });
    const failed = await run(['people', 'get', 'x'], { name: 'people-admin' });

    expect(help.stdout).toMatch(/^people-admin 0\.0\.0: /);
    expect(help.stdout).toContain('Run people-admin <command> --help');
    expect(failed.stderr).toMatch(/^people-admin people get: invalid input .* see people-admin people get --help/);
  });

  it('is the one `slices` and `db migrate --status` print in the commands they name', async () => {
    const slices = await run(['slices', '--json'], { name: 'people-admin' });
    const status = await run(['db', 'migrate', '--status'], { name: 'people-admin' });

    const commands = (JSON.parse(slices.stdout) as { requests: { command: string | null }[] }[])
      .flatMap((slice) => slice.requests.map((request) => request.command))
      .filter((command) => command !== null);
    expect(commands.length).toBeGreaterThan(0);
    for (const command of commands) expect(command).toMatch(/^people-admin /);
    expect(status.stdout).toContain('pending: run people-admin db migrate');
  });
});

describe('options the citty parser throws on', () => {
  it.each([['-_'], ['--_'], ['-x_1']])('are usage errors of the command (%s), not failures', async (option) => {
    const result = await run(['people', 'list', option]);

    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^slicewise people list: Unknown option/);
  });
});

describe('colours', () => {
  it('are used on a terminal only, and never with NO_COLOR', async () => {
    const tty = await run(['people', 'list'], { tty: true });
    await run(['people', 'add', '--name', 'Ann', '--email', 'ann@example.com']);
    const noColor = await run(['people', 'list'], { tty: true, env: { NO_COLOR: '1' } });
    const piped = await run(['people', 'list']);

    expect(tty.stdout).toContain('\u001b[2m(no rows)\u001b[22m');
    expect(noColor.stdout).not.toContain('\u001b[');
    expect(piped.stdout).not.toContain('\u001b[');
    expect(noColor.stdout).toMatch(/^id\s+name/);
  });
});

describe('progress and cancellation', () => {
  const bigFile = (rows: number) => {
    const file = join(dir, 'people.csv');
    writeFileSync(file, Array.from({ length: rows }, (_, i) => `P${i},p${i}@example.com`).join('\n'));
    return file;
  };

  it('draws one redrawn bar with rows/s and ETA on a terminal, cleared before the summary', async () => {
    const file = bigFile(2000);

    const result = await run(['people', 'import', file, '--batch-size', '100', '--pause-ms', '15'], { tty: true });

    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(
      // biome-ignore lint/suspicious/noControlCharactersInRegex: the terminal's clear-line escape
      /\r\u001b\[Kpeople import .*█.* +\d+% [\d,]+\/2,000 rows · [\d,]+ rows\/s · ETA \d+s/,
    );
    expect(result.stderr.endsWith('\r\u001b[K')).toBe(true);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escapes
    expect(result.stdout.replace(/\u001b\[\d+m/g, '')).toMatch(/^read\s+2000\nimported\s+2000\n/);
  });

  it('stops at the abort signal, keeping the batches committed before it, and exits 130', async () => {
    const file = bigFile(5000);
    const controller = new AbortController();
    const stderr = stream();
    // Abort once the first batch is committed (a fixed delay fails on a loaded machine that commits nothing by then).
    const db = join(dir, 'app.db');
    const watch = setInterval(() => {
      if (!existsSync(db)) return;
      const reader = new Database(db, { readonly: true });
      try {
        if (reader.tableNames().includes('people') && reader.table('people').countWhere() > 0) controller.abort();
      } finally {
        reader.close();
      }
    }, 5);
    controller.signal.addEventListener('abort', () => clearInterval(watch));

    const code = await runCli({
      argv: ['people', 'import', file, '--batch-size', '100', '--pause-ms', '20', '--db', join(dir, 'app.db')],
      slices: fixtureSlices,
      env: {},
      stdout: stream(),
      stderr,
      signal: controller.signal,
    });
    const listed = await run(['people', 'list', '--limit', '1000', '--json']);

    expect(code).toBe(130);
    const kept = Number(/Cancelled: ([\d,]+) rows were kept/.exec(stderr.text)?.[1]?.replaceAll(',', ''));
    expect(JSON.parse(listed.stdout)).toHaveLength(kept);
    expect(kept % 100).toBe(0);
    expect(kept).toBeGreaterThan(0);
  });
});
