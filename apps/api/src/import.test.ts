/**
 * `POST /users/import` on the built API, whose imports run on its worker thread: the rows and progress, the body's
 * idle timeout and the deadline come back as they do on the event loop (408, 504), and the stats catch up.
 */
import { request } from 'node:http';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanUp, start, tempDir } from './api-process.test-util.js';

const token = 'import-test-token-0123456789';

afterEach(cleanUp);

/** Starts the built API on a database file of its own, with a token that may import. */
function startImporting(env: Record<string, string> = {}) {
  return start({
    SLICEWISE_DB: join(tempDir(), 'api.db'),
    SLICEWISE_TOKENS: JSON.stringify({ [token]: { id: 'importer', permissions: ['users:write'] } }),
    ...env,
  });
}

const user = (n: number) => `{"name":"Imported ${n}","email":"imported${n}@example.com"}\n`;

/**
 * Posts an NDJSON import whose body is written by `write` (it may stall or trickle; `end` ends it), and resolves
 * with the status and the response's NDJSON lines once the server ends the response or closes the connection.
 */
function importUsers(
  base: string,
  query: string,
  write: (body: { write: (text: string) => void; end: () => void }) => () => void,
): Promise<{ status: number; lines: Record<string, unknown>[] }> {
  return new Promise((resolve, reject) => {
    let stop: () => void = () => undefined;
    const outgoing = request(`${base}/users/import${query}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson', authorization: `Bearer ${token}` },
    });
    outgoing.on('response', (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        text += chunk;
      });
      const done = () => {
        stop();
        const lines = text
          .split('\n')
          .filter((line) => line.startsWith('{'))
          .map((line) => JSON.parse(line) as Record<string, unknown>);
        resolve({ status: response.statusCode ?? 0, lines });
      };
      response.on('end', done);
      response.on('error', done);
      response.on('aborted', done);
    });
    outgoing.on('error', (error) => {
      stop();
      reject(error);
    });
    stop = write({
      write: (text) => {
        if (!outgoing.destroyed) outgoing.write(text);
      },
      end: () => outgoing.end(),
    });
  });
}

describe('imports over HTTP, on the worker thread', () => {
  it('imports the rows, reports progress per batch, and the stats catch up', async () => {
    const { base, output } = await startImporting();

    const { status, lines } = await importUsers(base, '?batch=1000', (body) => {
      for (let n = 1; n <= 2_500; n++) body.write(user(n));
      body.write(user(7)); // a duplicate: rejected, not fatal
      body.end();
      return () => undefined;
    });

    expect(status).toBe(200);
    expect(lines.map((line) => line.imported)).toEqual([1000, 2000, 2500, 2500]);
    expect(lines.at(-1)).toMatchObject({ read: 2501, imported: 2500, rejected: 1, done: true });
    expect(output()).toContain('"workerThread":true');
    const listed = (await (await fetch(`${base}/users?limit=500&active=true`)).json()) as unknown[];
    expect(listed).toHaveLength(500);
    await vi.waitFor(
      async () => expect(await (await fetch(`${base}/user-stats`)).json()).toMatchObject({ total: 2500 }),
      { timeout: 30_000, interval: 50 },
    );
  });

  it('ends an import whose body stalls with a 408 last line, keeping the batches committed before', async () => {
    // The idle clock runs from the body's last bytes, while the worker starts the import: on a loaded 2-core
    // machine, that start alone can take longer than a few hundred milliseconds.
    const { base } = await startImporting({ BODY_IDLE_TIMEOUT_MS: '2000' });

    const { status, lines } = await importUsers(base, '?batch=1', (body) => {
      body.write(user(1) + user(2));
      return () => undefined; // and nothing more
    });

    expect(status).toBe(200);
    expect(lines.slice(0, -1).map((line) => line.imported)).toEqual([1, 2]);
    expect(lines.at(-1)).toEqual({ error: expect.objectContaining({ status: 408, code: 'REQUEST_TIMEOUT' }) });
    const listed = (await (await fetch(`${base}/users?active=true`)).json()) as unknown[];
    expect(listed).toHaveLength(2);
  });

  it('answers TIMEOUT (504) in the last line when a body that keeps coming outlasts the deadline', async () => {
    // Long enough for a first row to commit on a loaded machine, short enough for the body to outlast it.
    const { base } = await startImporting({ REQUEST_TIMEOUT_MS: '3000', BODY_IDLE_TIMEOUT_MS: '10000' });

    const { status, lines } = await importUsers(base, '?batch=1', (body) => {
      let n = 0;
      const trickle = setInterval(() => body.write(user(++n)), 100);
      return () => clearInterval(trickle);
    });

    expect(status).toBe(200);
    expect(lines.length).toBeGreaterThan(1);
    expect(lines.at(-1)).toEqual({ error: expect.objectContaining({ status: 504, code: 'TIMEOUT' }) });
  });
});
