import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CancelledError,
  ForbiddenError,
  InternalError,
  type Query,
  type Slice,
  type StreamRequest,
  ValidationError,
} from '@slicewise/mediator';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createHost, type Host } from './index.js';

/** The fixture the worker thread imports too (JavaScript, so that it can). */
const fixture = new URL('./worker.fixture.js', import.meta.url);
type Progress = { written: number; thread: number };
const {
  slices,
  WriteLines,
  CountLines,
  WhereAmI,
  Crash,
  Uncloneable,
  AwaitAbort,
}: {
  slices: Slice[];
  WriteLines: new (params: { batch?: number; body?: unknown }) => StreamRequest<Progress>;
  CountLines: new () => Query<{ count: number; thread: number }>;
  WhereAmI: new () => Query<number>;
  Crash: new () => Query<void>;
  Uncloneable: new () => Query<unknown>;
  AwaitAbort: new () => Query<void>;
} = await import(fixture.href);

const writer = { id: 'writer', permissions: ['lines:write'] };
const hosts: Host[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const host of hosts.splice(0)) host.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function databaseFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'slicewise-worker-'));
  dirs.push(dir);
  return join(dir, 'app.db');
}

async function start(options: { module?: URL; export?: string; slices?: Slice[] } = {}): Promise<Host> {
  const host = createHost({
    slices: options.slices ?? slices,
    database: databaseFile(),
    worker: { module: options.module ?? fixture, ...(options.export && { export: options.export }) },
  });
  hosts.push(host);
  await host.ready;
  return host;
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

const rows = (host: Host, table: 'lines' | 'tally') =>
  host.db.query<{ thread: number; text?: string }>(`SELECT * FROM ${table} ORDER BY rowid`).all();

describe('a host with a worker thread', () => {
  it('runs the requests declared meta.worker on the worker thread, and the others on its own', async () => {
    const host = await start();

    const counted = await host.mediator.send(new CountLines());
    const here = await host.mediator.send(new WhereAmI());

    expect(counted).toEqual({ count: 0, thread: expect.any(Number) });
    expect(counted.thread).not.toBe(0);
    expect(here).toBe(0);
  });

  it('pipes a body to a stream on the worker, which commits its rows and events; the host drives the subscriptions', async () => {
    const host = await start();
    async function* body() {
      yield 'one\ntw';
      yield new TextEncoder().encode('o\nthree\nfour');
      yield '\nfive';
    }

    const progress = await collect(host.mediator.stream(new WriteLines({ body: body() }), { caller: writer }));

    expect(progress.map((item) => item.written)).toEqual([2, 4, 5]);
    expect(new Set(progress.map((item) => item.thread)).size).toBe(1);
    expect(progress[0]?.thread).not.toBe(0);
    expect(rows(host, 'lines').map((row) => row.text)).toEqual(['one', 'two', 'three', 'four', 'five']);
    // The events the worker appended reach the host's subscription, which runs on the host's thread.
    await vi.waitFor(() => expect(rows(host, 'tally')).toHaveLength(3), { timeout: 10_000, interval: 10 });
    expect(rows(host, 'tally').map((row) => row.thread)).toEqual([0, 0, 0]);
  });

  it("runs the host's pipeline first: a caller without the permission, or bad input, never reaches the worker", async () => {
    const host = await start();

    const reader = { id: 'reader', permissions: ['lines:read'] };
    await expect(
      collect(host.mediator.stream(new WriteLines({ body: 'a\n' }), { caller: reader })),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await expect(
      collect(host.mediator.stream(new WriteLines({ batch: -1, body: 'a\n' }), { caller: writer })),
    ).rejects.toBeInstanceOf(ValidationError);
    expect(rows(host, 'lines')).toEqual([]);
  });

  it("gives back the worker's failures as the same errors, keeping the batches committed before them", async () => {
    const host = await start();

    const invalid = collect(host.mediator.stream(new WriteLines({ body: 'a\nb\nboom\n' }), { caller: writer }));
    await expect(invalid).rejects.toBeInstanceOf(ValidationError);
    await expect(invalid).rejects.toMatchObject({ code: 'VALIDATION', issues: [{ path: ['body'], message: 'boom' }] });

    const crashed = collect(host.mediator.stream(new WriteLines({ body: 'c\ncrash\n' }), { caller: writer }));
    await expect(crashed).rejects.toMatchObject({ name: 'Error', message: 'the disk is on fire', code: 'E_TEST' });

    expect(rows(host, 'lines')).toHaveLength(2); // a and b; c was never committed
  });

  it('fails with the very error the body failed with', async () => {
    const host = await start();
    const broken = new Error('the client went away');
    async function* body() {
      yield 'a\nb\n';
      throw broken;
    }

    const written = collect(host.mediator.stream(new WriteLines({ body: body() }), { caller: writer }));

    await expect(written).rejects.toBe(broken);
  });

  it('runs one item and one body chunk ahead of a consumer that stops reading, and no further', async () => {
    const host = await start();
    let sent = 0;
    async function* lines() {
      for (;;) yield `line ${++sent}\n`;
    }

    const items = host.mediator.stream(new WriteLines({ batch: 1, body: lines() }), { caller: writer });
    const iterator = items[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toMatchObject({ written: 1 });

    // The worker writes the next item's row while the first is consumed, then waits to be asked for more.
    await vi.waitFor(() => expect(rows(host, 'lines')).toHaveLength(2), { timeout: 10_000, interval: 10 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(rows(host, 'lines')).toHaveLength(2);
    expect(sent).toBeLessThanOrEqual(4); // two lines written, one chunk waiting on the worker, one being read
    await iterator.return?.();
  });

  it('aborts the work on the worker when the dispatch is aborted, with the abort reason', async () => {
    const host = await start();
    const controller = new AbortController();
    let sent = 0;
    async function* endless() {
      for (;;) {
        sent++;
        yield 'x\ny\n';
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    }
    const reason = new CancelledError('the caller gave up');

    const items = host.mediator.stream(new WriteLines({ body: endless() }), {
      caller: writer,
      signal: controller.signal,
    });
    const seen: Progress[] = [];
    const written = (async () => {
      for await (const item of items) {
        seen.push(item);
        if (seen.length === 3) controller.abort(reason);
      }
    })();

    await expect(written).rejects.toBe(reason);
    const sentAtAbort = sent;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(sent).toBeLessThanOrEqual(sentAtAbort + 1); // the body is no longer read
    expect(rows(host, 'lines').length).toBeGreaterThanOrEqual(6);
  });

  it("aborts the worker's dispatch with the same reason, even while its handler just waits", async () => {
    const host = await start();
    const controller = new AbortController();
    const reason = new CancelledError('the caller gave up');

    const waiting = host.mediator.send(new AwaitAbort(), { signal: controller.signal });
    // Aborted once its handler waits on the worker (it writes a line as it starts), not before it got there.
    await vi.waitFor(() => expect(rows(host, 'lines')).toHaveLength(1), { timeout: 10_000, interval: 10 });
    controller.abort(reason);

    await expect(waiting).rejects.toBe(reason);
    await vi.waitFor(
      () =>
        expect(rows(host, 'lines').map((row) => row.text)).toEqual([
          'waiting',
          'aborted: CANCELLED the caller gave up',
        ]),
      { timeout: 10_000, interval: 10 },
    );
    expect(rows(host, 'lines')[1]?.thread).not.toBe(0);
  });

  it('fails a response that cannot be sent from the worker with a clear error', async () => {
    const host = await start();

    await expect(host.mediator.send(new Uncloneable())).rejects.toThrow(/worker thread cannot send its answer/);
  });

  it('fails what the worker ran when it dies, and starts a new one for the next request', async () => {
    const host = await start();

    const crashed = host.mediator.send(new Crash());
    await expect(crashed).rejects.toBeInstanceOf(InternalError);
    await expect(crashed).rejects.toThrow(/worker thread stopped \(exit code 3\)/);

    await expect(host.mediator.send(new CountLines())).resolves.toMatchObject({ count: 0 });
  });

  it('answers nothing more once closed', async () => {
    const host = await start();
    host.close();

    await expect(host.mediator.send(new CountLines())).rejects.toThrow('The host closed');
  });
});

describe('starting a worker thread', () => {
  it('fails when the module exports another slice list than the host composes', async () => {
    await expect(start({ export: 'moreSlices' })).rejects.toThrow(
      /different slice list \(with other the host does not compose\).*must export the host's slice list/,
    );
  });

  it('fails when the module has no such export', async () => {
    await expect(start({ export: 'nope' })).rejects.toThrow(/exports no slice list named nope/);
  });

  it('needs a database file', () => {
    expect(() => createHost({ slices, database: ':memory:', worker: { module: fixture } })).toThrow(
      /an in-memory database cannot have one/,
    );
  });

  it('needs a module it can import', () => {
    expect(() => createHost({ slices, database: databaseFile(), worker: { module: './slices.js' } })).toThrow(
      /file URL or an absolute path/,
    );
  });
});
