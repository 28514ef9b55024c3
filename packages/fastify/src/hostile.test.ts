import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer, tokens } from './test-fixtures/harness.js';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
  server.host.db.table('accounts').insertAll([{ id: 1, handle: 'alice', email: 'alice@example.com', age: 31 }]);
});
afterAll(async () => {
  await server.close();
});

/** Rows changed by the server's connection so far, and what the table holds. */
function databaseState(): string {
  const changes = server.host.db.query<{ n: number }>('SELECT total_changes() AS n').first();
  const rows = server.host.db.query('SELECT * FROM accounts ORDER BY id').all();
  return JSON.stringify([changes?.n, rows]);
}

const hostileString = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    "' OR '1'='1",
    "alice'; DROP TABLE accounts; --",
    '1 UNION SELECT name FROM sqlite_master',
    '\u0000',
    '%00',
    '../../../etc/passwd',
    '<script>alert(1)</script>',
    '__proto__',
    'constructor',
    '\uD800',
    '😀'.repeat(500),
    'NaN',
    '-0',
    '1e309',
    '0x10',
    'true',
  ),
  fc.nat({ max: 1_300_000 }).map((length) => 'A'.repeat(length)),
);
const key = fc.oneof(
  fc.constantFrom(
    'handle',
    'email',
    'age',
    'id',
    'limit',
    'after',
    'minAge',
    'dryRun',
    'body',
    '__proto__',
    'constructor',
    'prototype',
  ),
  fc.string({ maxLength: 12 }),
);
const value = fc.oneof(
  hostileString,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 4 }),
  fc.dictionary(key, hostileString, { maxKeys: 3 }),
);
const body = fc.oneof(
  fc.dictionary(key, value, { maxKeys: 6 }).map((object) => JSON.stringify(object)),
  fc.jsonValue().map((json) => JSON.stringify(json)),
  fc.string(),
  fc.constantFrom(
    '{"__proto__":{"isAdmin":true},"handle":"mallory","email":"m@example.com"}',
    '{"constructor":{"prototype":{"isAdmin":true}}}',
    '{"handle":"x"',
    '',
    'null',
    '[]',
    '{"handle":"bob","email":"bob@example.com","age":1e400}',
  ),
);
const contentType = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=latin1',
  'text/plain',
  'application/x-ndjson',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  undefined,
);
/** Percent-encodes text, lone surrogates (which URLs cannot carry) replaced. */
const encode = (text: string) => encodeURIComponent(text.replace(/[\uD800-\uDFFF]/g, '\uFFFD'));
const queryString = fc
  .array(
    fc.oneof(
      fc
        .tuple(
          key,
          hostileString.map((text) => text.slice(0, 20_000)),
        )
        .map(([name, text]) => `${encode(name)}=${encode(text)}`),
      fc.constantFrom(
        '__proto__[admin]=1',
        'constructor.prototype.admin=1',
        'limit[]=1&limit[]=2',
        '%ZZ',
        'a=%E0%A4%A',
        '=',
        '&&',
      ),
    ),
    { maxLength: 6 },
  )
  .map((pairs) => pairs.join('&'));
const pathSegment = fc.oneof(
  fc.string({ maxLength: 30 }).map(encode),
  fc.constantFrom('1', '0', '-1', '1.5', '9007199254740993', '1e3', '%2e%2e', "1'%20OR%20'1'='1"),
);

async function expectProblemOrSuccess(response: Response): Promise<void> {
  const text = await response.text();
  expect(response.status, text.slice(0, 300)).toBeLessThan(500);
  if (response.status >= 400) {
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(text)).toMatchObject({ status: response.status });
  }
}

describe('hostile input', () => {
  it('answers 700 hostile writes with no 5xx and changes nothing when it rejects one', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('/accounts', '/accounts/import?dryRun=true', '/accounts/1'),
        fc.constantFrom('POST', 'PUT', 'PATCH', 'DELETE'),
        contentType,
        body,
        async (path, method, type, payload) => {
          const before = databaseState();
          const headers: Record<string, string> = { authorization: `Bearer ${tokens.writer}` };
          if (type) headers['content-type'] = type;

          const response = await fetch(`${server.base}${path}`, { method, headers, body: payload });

          await expectProblemOrSuccess(response);
          const created = response.status === 201 && path === '/accounts' && method === 'POST';
          if (!created) expect(databaseState()).toBe(before);
        },
      ),
      { numRuns: 700 },
    );
  }, 120_000); // bodies up to 1.3 MB: 3 s alone, over 20 s under a loaded whole-repo run

  it('answers 500 hostile query strings and path parameters with no 5xx and no change', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('/accounts', '/accounts/{id}', '/accounts/import', '/nowhere/{id}'),
        pathSegment,
        queryString,
        fc.constantFrom('GET', 'HEAD', 'DELETE', 'OPTIONS'),
        async (route, segment, query, method) => {
          const before = databaseState();
          const url = `${server.base}${route.replace('{id}', segment)}?${query}`;

          const response = await fetch(url, { method, headers: { authorization: `Bearer ${tokens.writer}` } });

          if (method === 'HEAD') expect(response.status).toBeLessThan(500);
          else await expectProblemOrSuccess(response);
          expect(databaseState()).toBe(before);
        },
      ),
      { numRuns: 500 },
    );
  }, 120_000);

  it('left no trace on Object.prototype', () => {
    const probe = {} as Record<string, unknown>;

    expect([probe.isAdmin, probe.admin, probe.polluted]).toEqual([undefined, undefined, undefined]);
  });
});
