/**
 * Generated hostile requests over every route the API serves (the production slices', the fixture accounts', and
 * the infrastructure routes): 4,500 in process through `app.inject`, 500 as raw bytes over real sockets for what
 * only a socket can carry (bad percent-encoding, long ids, missing Host, malformed request lines). Every answer is
 * below 500; every 4xx is a problem+json document with its status; no body carries a stack trace or SQL the request
 * did not itself contain; a rejected request changes no row.
 */
import { connect } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer, tokens } from './test-fixtures/harness.js';

let server: TestServer;
let port: number;

beforeAll(async () => {
  server = await startTestServer({ requestTimeout: 2_000, limits: { bodyIdleTimeout: 1_000 } });
  port = Number(new URL(server.base).port);
  server.host.db.table('accounts').insertAll([{ id: 1, handle: 'alice', email: 'alice@example.com', age: 31 }]);
  server.host.db.table('users').insertAll([{ id: 1, name: 'Ada', email: 'ada@example.com', active: 1 }]);
});
afterAll(async () => {
  await server.close();
});

/** Every route's template and methods: the generated ones from the OpenAPI document, and the fixed ones. */
async function routes(): Promise<{ path: string; methods: string[] }[]> {
  const response = await server.app.inject({ method: 'GET', url: '/openapi.json' });
  const paths = (response.json() as { paths: Record<string, Record<string, unknown>> }).paths;
  const generated = Object.entries(paths)
    .filter(([path]) => !path.startsWith('/fixtures/')) // test-only requests that wait or fail on purpose
    .map(([path, operations]) => ({ path, methods: Object.keys(operations).map((method) => method.toUpperCase()) }));
  const fixed = ['/openapi.json', '/docs', '/healthz', '/readyz'].map((path) => ({ path, methods: ['GET'] }));
  return [...generated, ...fixed];
}

/** What a rejected request must leave as it was. */
function rows(): string {
  const db = server.host.db;
  const users = db.query('SELECT count(*) AS n, max(id) AS last, sum(active) AS active FROM users').first();
  const accounts = db
    .query('SELECT count(*) AS n, max(id) AS last, group_concat(handle) AS handles FROM accounts')
    .first();
  return JSON.stringify([users, accounts]);
}

const stackOrInternals = /\n\s+at |node:internal|\.[jt]s:\d+:\d+|SQLITE_|better-sqlite3/;
const sqlMarkers = [
  'sqlite_master',
  'SELECT ',
  'INSERT INTO',
  'UPDATE ',
  'DELETE FROM',
  ' FROM users',
  ' FROM accounts',
  'WHERE ',
];

/** Fails when a body shows a stack, internals, or SQL that the request did not carry itself. */
function expectNothingInternal(body: string, request: string): void {
  expect(body, body.slice(0, 300)).not.toMatch(stackOrInternals);
  let decoded = request;
  try {
    decoded = decodeURIComponent(request);
  } catch {
    // keep it as it is
  }
  for (const marker of sqlMarkers) {
    if (body.includes(marker)) expect(`${request}\n${decoded}`, `body has ${marker}`).toContain(marker);
  }
}

const text = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    "' OR '1'='1",
    '1; DROP TABLE users; --',
    '1 UNION SELECT sql FROM sqlite_master',
    '\u0000',
    '\r\nX-Injected: 1',
    '../../etc/passwd',
    '__proto__',
    'constructor',
    '\uD800',
    '-1',
    '0',
    '1e309',
    '9007199254740993',
    'NaN',
    'true',
    'A'.repeat(5_000),
  ),
);
const key = fc.oneof(
  fc.constantFrom('id', 'limit', 'offset', 'after', 'active', 'name', 'email', 'handle', 'age', 'batch', 'dryRun'),
  fc.constantFrom('format', 'file', 'body', '__proto__', 'constructor', 'prototype'),
  fc.string({ maxLength: 10 }),
);
const encode = (value: string) => encodeURIComponent(value.replace(/[\uD800-\uDFFF]/g, '\uFFFD'));
const query = fc
  .array(
    fc.tuple(key, text).map(([name, value]) => `${encode(name)}=${encode(value)}`),
    { maxLength: 5 },
  )
  .map((pairs) => (pairs.length === 0 ? '' : `?${pairs.join('&')}`));
const segment = fc.oneof(
  fc.constantFrom('1', '2', '0', '-1', '1.5', '1e3', '0x1', '%20', '9007199254740993'),
  text.map((value) => encode(value.slice(0, 90))),
);
const jsonBody = fc.oneof(
  fc
    .dictionary(key, fc.oneof(text, fc.integer(), fc.boolean(), fc.constant(null), fc.jsonValue({ maxDepth: 2 })), {
      maxKeys: 5,
    })
    .map((value) => JSON.stringify(value)),
  fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value)),
  fc.constantFrom('{"__proto__":{"admin":true}}', '{"name":"x"', '', '[]', 'null', '{"email":"a@b.c","name":"Eve"}'),
  text,
);
const ndjsonBody = fc
  .array(fc.oneof(jsonBody, fc.constant('{"name":"Nia","email":"nia@example.com"}')), { maxLength: 4 })
  .map((lines) => lines.join('\n'));
const contentType = fc.constantFrom(
  undefined,
  'application/json',
  'application/json; charset=utf-8',
  'application/x-ndjson',
  'text/plain',
  'text/csv',
  'multipart/form-data; boundary=x',
);
const authorization = fc.constantFrom(
  undefined,
  `Bearer ${tokens.reader}`,
  `Bearer ${tokens.writer}`,
  `Bearer ${tokens.admin}`,
  'Bearer not-a-known-token-at-all',
  'Basic YWRhOnNlY3JldA==',
  'Bearer',
);

describe('hostile requests over every route', () => {
  it('answers 4,500 generated requests in process with problems, nothing internal, no change when rejected', async () => {
    const all = await routes();
    expect(all.map((route) => route.path)).toEqual(expect.arrayContaining(['/users', '/users/{id}', '/accounts']));
    const method = fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS');

    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...all),
        fc.oneof(method, fc.constant('own')),
        segment,
        query,
        contentType,
        fc.oneof(jsonBody, ndjsonBody),
        authorization,
        async (route, chosen, id, search, type, body, auth) => {
          const verb = (chosen === 'own' ? route.methods[0] : chosen) as 'GET' | 'HEAD' | 'POST';
          const url = route.path.replace('{id}', id) + search;
          const headers: Record<string, string> = {};
          if (type) headers['content-type'] = type;
          if (auth) headers.authorization = auth;
          const carriesBody = verb !== 'GET' && verb !== 'HEAD' && (type !== undefined || body !== '');
          const before = rows();

          const response = await server.app.inject({
            method: verb,
            url,
            headers,
            ...(carriesBody ? { payload: body } : {}),
          });

          expect(response.statusCode, `${verb} ${url}: ${response.body.slice(0, 200)}`).toBeLessThan(500);
          if (response.statusCode >= 400 && verb !== 'HEAD') {
            expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
            expect(response.json()).toMatchObject({ status: response.statusCode, type: 'about:blank' });
          }
          if (response.statusCode >= 400) expect(rows()).toBe(before);
          expectNothingInternal(response.body, `${url}\n${body}\n${auth ?? ''}`);
        },
      ),
      { numRuns: 4_500 },
    );
  }, 120_000);

  it('answers 500 generated raw requests over sockets with problems, nothing internal, no change', async () => {
    const target = fc.oneof(
      fc.constantFrom('/users/', '/accounts/', '/users/import', '/user-stats', '/healthz'),
      fc.constant('/users/'),
    );
    const rawSegment = fc.oneof(
      segment,
      fc.constantFrom('%', '%Z', '%E0%A4%A', '%C0%AF', '%FF', '%00', '%2F..%2F', '1'.repeat(101), 'é', '😀'),
      // printable ASCII without spaces: what a request line can carry
      fc.string({ maxLength: 120 }).map((value) => value.replace(/[^!-~]/g, 'x')),
    );
    const version = fc.constantFrom('HTTP/1.1', 'HTTP/1.0', 'HTTP/2.0', 'HTTP/1.1 extra', '');
    const host = fc.constantFrom('Host: 127.0.0.1\r\n', '', 'Host: \r\n', 'Host: a\r\nHost: b\r\n');
    const extra = fc.constantFrom(
      '',
      'Content-Length: -1\r\n',
      'Content-Length: 1\r\nTransfer-Encoding: chunked\r\n',
      'X: \u0001\r\n',
    );

    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'POST', 'DELETE', 'BREW', 'get'),
        target,
        rawSegment,
        query,
        version,
        host,
        extra,
        async (verb, path, id, search, httpVersion, hostHeader, more) => {
          const requestLine = `${verb} ${path.endsWith('/') ? path + id : path}${search} ${httpVersion}`.trimEnd();
          const request = `${requestLine}\r\n${hostHeader}${more}Connection: close\r\n\r\n`;
          const before = rows();

          const answer = await rawExchange(request);

          const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1]);
          const [head = '', body = ''] = answer.split('\r\n\r\n');
          expect(status, `${JSON.stringify(requestLine.slice(0, 120))} → ${answer.slice(0, 200)}`).toBeLessThan(500);
          if (status >= 400) {
            expect(head.toLowerCase()).toContain('content-type: application/problem+json');
            expect(JSON.parse(body)).toMatchObject({ status });
            expect(rows()).toBe(before);
          }
          expectNothingInternal(body, request);
        },
      ),
      { numRuns: 500 },
    );
  }, 120_000);
});

/** Sends raw bytes on a new connection and collects the answer until the server closes it (at most 3 s). */
function rawExchange(request: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    const timer = setTimeout(() => socket.destroy(), 3_000);
    socket.on('data', (chunk) => {
      received += chunk;
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(received);
    });
    socket.write(request);
  });
}
