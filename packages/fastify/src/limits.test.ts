/**
 * The API's transport limits on a real server (127.0.0.1, port 0) over raw sockets: stalled and endless bodies,
 * Fastify's and Node's own failures as problems, per-connection limits.
 */
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { ServerOptions } from './server.js';
import { startTestServer, type TestServer, tokens } from './test-fixtures/harness.js';

let server: TestServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(options: Partial<Omit<ServerOptions, 'host'>>): Promise<number> {
  server = await startTestServer(options);
  return Number(new URL(server.base).port);
}

interface Exchange {
  /** Everything the server sent. */
  text: string;
  /** Whether the server closed the connection (within the wait). */
  closed: boolean;
  /** Milliseconds from the first write to the close (or to the end of the wait). */
  elapsed: number;
}

/**
 * Writes `text` on a new connection, then `more()` every `everyMs` if given (a body that trickles), and collects
 * what comes back until the server closes the connection or `waitMs` passes.
 */
function exchange(port: number, text: string, waitMs: number, more?: { text: () => string; everyMs: number }) {
  return new Promise<Exchange>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const started = Date.now();
    let received = '';
    const trickle = more ? setInterval(() => socket.writable && socket.write(more.text()), more.everyMs) : undefined;
    const finish = (closed: boolean) => {
      clearTimeout(timer);
      clearInterval(trickle);
      socket.destroy();
      resolve({ text: received, closed, elapsed: Date.now() - started });
    };
    const timer = setTimeout(() => finish(false), waitMs);
    socket.on('data', (chunk) => {
      received += chunk;
    });
    socket.on('error', () => undefined);
    socket.on('close', () => finish(true));
    socket.write(text);
  });
}

/** The status, headers (lower-cased) and body of the first response in `text`. */
function firstResponse(text: string): { status: number; headers: string; body: string } {
  const [head = '', ...rest] = text.split('\r\n\r\n');
  return {
    status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]),
    headers: head.toLowerCase(),
    body: rest.join('\r\n\r\n'),
  };
}

const importHead = (query = '') =>
  `POST /accounts/import${query} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${tokens.writer}\r\n` +
  'Content-Type: application/x-ndjson\r\nTransfer-Encoding: chunked\r\n\r\n';
/** One HTTP chunk holding `text`. */
const chunk = (text: string) => `${Buffer.byteLength(text).toString(16)}\r\n${text}\r\n`;
const account = (handle: string) => `{"handle":"${handle}","email":"${handle}@example.com"}\n`;

describe('stream request bodies', () => {
  it('ends an import whose body stalls after one line with a 408 last line, then closes the connection', async () => {
    const port = await start({ limits: { bodyIdleTimeout: 300 } });

    const { text, closed, elapsed } = await exchange(port, importHead() + chunk(account('stall_one')), 5_000);

    const lines = firstResponse(text)
      .body.split('\n')
      .filter((line) => line.startsWith('{'));
    expect(firstResponse(text).status).toBe(200);
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({ line: 1, status: 'created' });
    expect(JSON.parse(lines.at(-1) ?? '')).toEqual({
      error: expect.objectContaining({ status: 408, code: 'REQUEST_TIMEOUT' }),
    });
    expect(closed).toBe(true);
    expect(elapsed).toBeLessThan(3_000);
  });

  it('answers 408 problem+json and closes when the body stalls before its first line', async () => {
    const port = await start({ limits: { bodyIdleTimeout: 300 } });

    const { text, closed } = await exchange(port, importHead(), 5_000);

    const response = firstResponse(text);
    expect(response.status).toBe(408);
    expect(response.headers).toContain('content-type: application/problem+json');
    expect(response.headers).toContain('connection: close');
    expect(closed).toBe(true);
  });

  it('answers TIMEOUT (504), not CANCELLED, when a body that keeps coming outlasts the deadline', async () => {
    const port = await start({ requestTimeout: 600, limits: { bodyIdleTimeout: 5_000 } });
    let handle = 0;
    const more = {
      text: () => {
        handle += 1;
        return chunk(account(`trickle_${handle}`));
      },
      everyMs: 100,
    };

    const { text, closed, elapsed } = await exchange(port, importHead('?dryRun=true'), 5_000, more);

    const lines = firstResponse(text)
      .body.split('\n')
      .filter((line) => line.startsWith('{'));
    expect(firstResponse(text).status).toBe(200);
    expect(JSON.parse(lines.at(-1) ?? '')).toEqual({
      error: expect.objectContaining({ status: 504, code: 'TIMEOUT' }),
    });
    expect(closed).toBe(true);
    expect(elapsed).toBeLessThan(3_000);
  });

  it('answers 504 problem+json when the deadline passes before the first line', async () => {
    const port = await start({ requestTimeout: 300, limits: { bodyIdleTimeout: 5_000 } });

    const { text, closed } = await exchange(port, importHead(), 5_000);

    const response = firstResponse(text);
    expect(response.status).toBe(504);
    expect(JSON.parse(response.body)).toMatchObject({ status: 504, code: 'TIMEOUT' });
    expect(closed).toBe(true);
  });
});

describe('buffered bodies', () => {
  it('answers 408 problem+json and closes when a JSON body stalls', async () => {
    const port = await start({ limits: { bodyIdleTimeout: 300 } });
    const head =
      'POST /accounts HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n' +
      `Authorization: Bearer ${tokens.writer}\r\nContent-Length: 100\r\n\r\n{"handle":`;

    const { text, closed, elapsed } = await exchange(port, head, 5_000);

    const response = firstResponse(text);
    expect(response.status).toBe(408);
    expect(JSON.parse(response.body)).toMatchObject({ status: 408, code: 'REQUEST_TIMEOUT' });
    expect(closed).toBe(true);
    expect(elapsed).toBeLessThan(3_000);
  });

  it('reads a JSON body whose last 30 bytes trickle in over five times the idle timeout', async () => {
    // 100 ms between bytes against a 600 ms timeout: room for a loaded machine's late timers
    const port = await start({ limits: { bodyIdleTimeout: 600 } });
    const json = '{"handle":"trickle","email":"trickle@example.com"}';
    const padding = 30; // JSON allows trailing spaces: one every 100 ms, 3 s in all
    const head =
      'POST /accounts HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n' +
      `Authorization: Bearer ${tokens.writer}\r\nContent-Length: ${json.length + padding}\r\n\r\n${json}`;
    let sent = 0;
    const next = () => {
      if (sent === padding) return '';
      sent += 1;
      return ' ';
    };

    const { text } = await exchange(port, head, 4_500, { text: next, everyMs: 100 });

    expect(sent).toBe(padding);
    expect(firstResponse(text).status).toBe(201);
  });

  it('answers 401 and closes at once when the token is bad, without waiting for the body', async () => {
    const port = await start({ limits: { bodyIdleTimeout: 10_000 } });
    const head =
      'POST /accounts HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n' +
      'Authorization: Bearer not-a-known-token-at-all\r\nContent-Length: 100\r\n\r\n{';

    const { text, closed, elapsed } = await exchange(port, head, 5_000);

    expect(firstResponse(text).status).toBe(401);
    expect(firstResponse(text).headers).toContain('connection: close');
    expect(closed).toBe(true);
    expect(elapsed).toBeLessThan(2_000);
  });
});

describe("Fastify's and Node's own failures", () => {
  it.each([
    [
      'a URL that is not valid percent-encoding',
      'GET /accounts/%E0%A4%A HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
      400,
    ],
    [
      'a path parameter over 100 characters',
      `GET /accounts/${'1'.repeat(101)} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
      414,
    ],
    ['no Host header', 'GET /healthz HTTP/1.1\r\n\r\n', 400],
    ['a request line that is not HTTP', 'HELLO\r\n\r\n', 400],
  ])('answers %s with a problem', async (_name, request, status) => {
    const port = await start({});

    const { text } = await exchange(port, request, 3_000);

    const response = firstResponse(text);
    expect(response.status).toBe(status);
    expect(response.headers).toContain('content-type: application/problem+json');
    expect(JSON.parse(response.body)).toMatchObject({ status, type: 'about:blank' });
  });

  it('serves HTTP/1.0 without a Host header', async () => {
    const port = await start({});

    const { text } = await exchange(port, 'GET /healthz HTTP/1.0\r\n\r\n', 3_000);

    expect(text).toMatch(/^HTTP\/1\.1 200/);
  });
});

describe('per-connection limits', () => {
  it('closes a connection after maxRequestsPerSocket requests, the last answer saying Connection: close', async () => {
    const port = await start({ limits: { maxRequestsPerSocket: 2 } });
    const get = 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n';

    const { text, closed } = await exchange(port, get + get, 3_000);

    const answers = text.split('HTTP/1.1 ').slice(1);
    expect(answers).toHaveLength(2);
    expect(answers[0]).toMatch(/^200/);
    expect(answers[1]?.toLowerCase()).toContain('connection: close');
    expect(closed).toBe(true);
  });

  it('closes a connection with more pipelined requests waiting than maxPipelinedRequests, and keeps serving', async () => {
    const port = await start({ limits: { maxPipelinedRequests: 2 } });
    const wait = 'GET /fixtures/wait?ms=200 HTTP/1.1\r\nHost: x\r\n\r\n';

    const { text, closed, elapsed } = await exchange(port, wait.repeat(10), 3_000);

    expect(closed).toBe(true);
    expect(elapsed).toBeLessThan(1_000);
    expect(text.split('HTTP/1.1 ').length - 1).toBeLessThan(10);
    expect((await fetch(`${server?.base}/healthz`)).status).toBe(200);
  });

  it('serves pipelined requests in order, one at a time', async () => {
    const port = await start({});
    const wait = (ms: number) => `GET /fixtures/wait?ms=${ms} HTTP/1.1\r\nHost: x\r\n\r\n`;

    const { text } = await exchange(
      port,
      `${wait(150) + wait(0)}GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
      3_000,
    );

    const bodies = text
      .split('HTTP/1.1 ')
      .slice(1)
      .map((answer) => answer.split('\r\n\r\n')[1]);
    expect(bodies).toEqual(['{"waited":150}', '{"waited":0}', '{"status":"ok"}']);
  });
});
