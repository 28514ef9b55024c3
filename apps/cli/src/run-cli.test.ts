import 'reflect-metadata';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Database } from '@slicewise/db';
import { createHost } from '@slicewise/host';
import { declareRequest, defineSlice, errorCodes, handle, Query, SlicewiseError } from '@slicewise/mediator';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { requestCommands } from './commands.js';
import { exitCodeOf, UsageError } from './exit-codes.js';
import { fixtureSlices } from './fixtures/registry.js';
import { loadEntries, type SliceRegistry } from './registry.js';
import { runCli } from './run-cli.js';
import { slices } from './slices.js';

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

async function run(argv: string[], options: { tty?: boolean; env?: NodeJS.ProcessEnv; registry?: SliceRegistry } = {}) {
  const stdout = stream(options.tty);
  const stderr = stream(options.tty);
  const code = await runCli([...argv, '--db', join(dir, 'app.db')], {
    slices: options.registry ?? fixtureSlices,
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

describe('the slice index of slices.ts', () => {
  it.each([
    ['the slicewise CLI', slices],
    ['the fixture CLI', fixtureSlices],
  ])('names exactly the commands each slice declares (%s)', async (_name, registry) => {
    for (const entry of registry) {
      const loaded = await loadEntries(registry, [entry]);
      const host = createHost({ slices: loaded.slices });
      const declared = requestCommands(host.mediator)
        .filter((command) => command.source === entry.name)
        .map((command) => command.words.join(' '));
      host.close();
      expect([...declared].sort(), entry.name).toEqual([...entry.commands].sort());
    }
  });
});

describe('composition', () => {
  it('fails, naming both slices, when two requests declare the same command', async () => {
    class Shout extends Query<string> {
      static readonly declaration = declareRequest({ cli: { command: 'echo' } });
    }
    const shouting = defineSlice({
      name: 'shouting',
      handlers: [
        handle(
          Shout,
          class {
            handle = () => 'HI';
          },
        ),
      ],
    });
    const registry: SliceRegistry = [
      ...fixtureSlices,
      { name: 'shouting', commands: ['echo'], load: async () => ({ slice: shouting }) },
    ];

    const result = await run(['echo'], { registry });

    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/Two requests declare the command "echo": one of fixture-echo and one of shouting/);
  });
});

describe('global options', () => {
  it('may come before the command words', async () => {
    const stdout = stream();
    const db = join(dir, 'first.db');

    const code = await runCli(['--db', db, '--json', 'people', 'list'], {
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
  function spying(): { registry: SliceRegistry; loaded: string[] } {
    const loaded: string[] = [];
    const registry = fixtureSlices.map((entry) => ({
      ...entry,
      load: () => {
        loaded.push(entry.name);
        return entry.load();
      },
    }));
    return { registry, loaded };
  }

  it('imports only the slice serving the command', async () => {
    const { registry, loaded } = spying();

    expect((await run(['echo', '--x', '1'], { registry })).code).toBe(0);
    expect(loaded).toEqual(['fixture-echo']);
  });

  it('imports the slices of a group for its help, and every slice for the root help and host commands', async () => {
    const group = spying();
    await run(['people', '--help'], { registry: group.registry });
    const root = spying();
    await run(['--help'], { registry: root.registry });
    const host = spying();
    await run(['slices', '--json'], { registry: host.registry });

    expect(group.loaded).toEqual(['fixture-people']);
    expect(root.loaded).toEqual(['fixture-people', 'fixture-echo']);
    expect(host.loaded).toEqual(['fixture-people', 'fixture-echo']);
  });

  it('loads the entries a slice needs `with` it', async () => {
    const { registry, loaded } = spying();
    const withPeople = registry.map((entry) =>
      entry.name === 'fixture-echo' ? { ...entry, with: ['fixture-people'] } : entry,
    );

    await run(['echo'], { registry: withPeople });

    expect(loaded.sort()).toEqual(['fixture-echo', 'fixture-people']);
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

    const code = await runCli(
      ['people', 'import', file, '--batch-size', '100', '--pause-ms', '20', '--db', join(dir, 'app.db')],
      { slices: fixtureSlices, env: {}, stdout: stream(), stderr, signal: controller.signal },
    );
    const listed = await run(['people', 'list', '--limit', '1000', '--json']);

    expect(code).toBe(130);
    const kept = Number(/Cancelled: ([\d,]+) rows were kept/.exec(stderr.text)?.[1]?.replaceAll(',', ''));
    expect(JSON.parse(listed.stdout)).toHaveLength(kept);
    expect(kept % 100).toBe(0);
    expect(kept).toBeGreaterThan(0);
  });
});
