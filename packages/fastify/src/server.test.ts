import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { observedAborts, observedStarts } from './test-fixtures/accounts.js';
import { startTestServer, type TestServer, tokens } from './test-fixtures/harness.js';

let server: TestServer;
let base: string;

beforeEach(async () => {
  server = await startTestServer();
  base = server.base;
  server.host.db.table('accounts').insertAll([
    { id: 1, handle: 'alice', email: 'alice@example.com', age: 31 },
    { id: 2, handle: 'bob', email: 'bob@example.com', age: 17 },
    { id: 3, handle: 'carol', email: 'carol@example.com', age: null },
  ]);
});
afterEach(async () => {
  await server.close();
});

const auth = (token: string) => ({ authorization: `Bearer ${token}` });
const json = (body: unknown, token?: string) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...(token ? auth(token) : {}) },
  body: JSON.stringify(body),
});

async function problem(response: Response, status: number) {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const body = (await response.json()) as Record<string, unknown>;
  expect(body).toMatchObject({ type: 'about:blank', status });
  return body;
}

const accountCount = () => server.host.db.table('accounts').countWhere();

describe('GET /accounts/{id} (query with a path parameter)', () => {
  it('returns the account as JSON', async () => {
    const response = await fetch(`${base}/accounts/1`);

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toEqual({ id: 1, handle: 'alice', email: 'alice@example.com', age: 31 });
  });

  it('answers 404 NOT_FOUND when there is no such account', async () => {
    const body = await problem(await fetch(`${base}/accounts/99`), 404);

    expect(body).toMatchObject({ code: 'NOT_FOUND', detail: 'Account 99 does not exist', instance: '/accounts/99' });
  });

  it('answers 400 VALIDATION naming the path parameter when it is not an id', async () => {
    const body = await problem(await fetch(`${base}/accounts/abc`), 400);

    expect(body.code).toBe('VALIDATION');
    expect(body.issues).toEqual([expect.objectContaining({ path: ['id'] })]);
  });

  it('lets the path parameter win over a query parameter of the same name', async () => {
    const response = await fetch(`${base}/accounts/2?id=1`);

    expect(((await response.json()) as { id: number }).id).toBe(2);
  });

  it('answers 401 with WWW-Authenticate for an unknown bearer token', async () => {
    const response = await fetch(`${base}/accounts/1`, { headers: auth('not-a-known-token-0000000') });

    expect((await problem(response, 401)).code).toBe('UNAUTHORIZED');
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="slicewise", error="invalid_token"');
  });

  it('answers 401 for an Authorization header that is not a bearer token', async () => {
    const response = await fetch(`${base}/accounts/1`, { headers: { authorization: 'Basic YWRhOmFkYQ==' } });

    expect((await problem(response, 401)).detail).toMatch(/Bearer <token>/);
  });
});

describe('GET /accounts (query with coerced query-string parameters)', () => {
  it('coerces and defaults the query string', async () => {
    const page = (await (await fetch(`${base}/accounts?limit=1&after=1`)).json()) as { id: number }[];
    const adults = (await (await fetch(`${base}/accounts?minAge=18`)).json()) as { id: number }[];

    expect(page.map((account) => account.id)).toEqual([2]);
    expect(adults.map((account) => account.id)).toEqual([1]);
  });

  it('answers 400 with one issue per bad field', async () => {
    const body = await problem(await fetch(`${base}/accounts?limit=0&after=x`), 400);

    expect((body.issues as { path: string[] }[]).map((issue) => issue.path)).toEqual([['limit'], ['after']]);
  });

  it('answers 401 for an unknown token even though the route needs none', async () => {
    await problem(await fetch(`${base}/accounts`, { headers: auth('unknown-token-aaaaaaaaaaaa') }), 401);
  });

  it('serves a reader token like an anonymous caller', async () => {
    const response = await fetch(`${base}/accounts`, { headers: auth(tokens.reader) });

    expect(response.status).toBe(200);
  });
});

describe('POST /accounts (command with a JSON body, a permission and status 201)', () => {
  it('creates the account and answers 201 with it', async () => {
    const response = await fetch(
      `${base}/accounts`,
      json({ handle: 'dave', email: 'dave@example.com' }, tokens.writer),
    );

    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({ id: 4, handle: 'dave', email: 'dave@example.com', age: null });
    expect(server.host.db.query('SELECT handle FROM accounts WHERE id = 4').all()).toEqual([{ handle: 'dave' }]);
  });

  it('answers 400 with per-field issues and writes nothing', async () => {
    const body = await problem(
      await fetch(`${base}/accounts`, json({ handle: 'No Spaces!', email: 'nope', age: -1 }, tokens.writer)),
      400,
    );

    expect(body.code).toBe('VALIDATION');
    expect((body.issues as { path: string[] }[]).map((issue) => issue.path.join('.')).sort()).toEqual([
      'age',
      'email',
      'handle',
    ]);
    expect(accountCount()).toBe(3);
  });

  it('answers 401 with WWW-Authenticate without a token, before validating', async () => {
    const response = await fetch(`${base}/accounts`, json({}));

    expect((await problem(response, 401)).code).toBe('UNAUTHORIZED');
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="slicewise"');
  });

  it('answers 403 FORBIDDEN for a token without the permission', async () => {
    const body = await problem(
      await fetch(`${base}/accounts`, json({ handle: 'eve', email: 'eve@example.com' }, tokens.reader)),
      403,
    );

    expect(body).toMatchObject({ code: 'FORBIDDEN', detail: expect.stringMatching(/accounts:write/) });
    expect(accountCount()).toBe(3);
  });

  it('answers 409 CONFLICT when the handle is taken', async () => {
    const body = await problem(
      await fetch(`${base}/accounts`, json({ handle: 'alice', email: 'other@example.com' }, tokens.admin)),
      409,
    );

    expect(body).toMatchObject({ code: 'CONFLICT', detail: 'The handle alice is taken' });
  });

  it('answers 400 for malformed JSON', async () => {
    const response = await fetch(`${base}/accounts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...auth(tokens.writer) },
      body: '{"handle": "x",',
    });

    expect((await problem(response, 400)).detail).toBe('The request body is not valid JSON');
  });

  it('answers 400 for a JSON body that is not an object', async () => {
    const response = await fetch(`${base}/accounts`, json(['dave', 'dave@example.com'], tokens.writer));

    expect((await problem(response, 400)).detail).toBe('The request body must be a JSON object');
  });

  it('answers 400 for a prototype-poisoning body and pollutes nothing', async () => {
    const response = await fetch(`${base}/accounts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...auth(tokens.writer) },
      body: '{"handle":"mallory","email":"m@example.com","__proto__":{"polluted":true}}',
    });

    await problem(response, 400);
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
    expect(accountCount()).toBe(3);
  });

  it('answers 415 for a body that is not JSON', async () => {
    for (const type of ['text/plain', 'application/x-ndjson', 'application/xml']) {
      const response = await fetch(`${base}/accounts`, {
        method: 'POST',
        headers: { 'content-type': type, ...auth(tokens.writer) },
        body: 'handle=dave',
      });

      expect((await problem(response, 415)).code).toBe('UNSUPPORTED_MEDIA_TYPE');
    }
  });

  it('answers 413 for a body over the limit', async () => {
    const response = await fetch(
      `${base}/accounts`,
      json({ handle: 'big', email: 'big@example.com', note: 'x'.repeat(1_100_000) }, tokens.writer),
    );

    expect((await problem(response, 413)).code).toBe('CONTENT_TOO_LARGE');
  });
});

describe('DELETE /accounts/{id} (command answering 204)', () => {
  it('deletes and answers 204 with no body', async () => {
    const response = await fetch(`${base}/accounts/2`, { method: 'DELETE', headers: auth(tokens.admin) });

    expect(response.status).toBe(204);
    expect(await response.text()).toBe('');
    expect(accountCount()).toBe(2);
  });

  it('answers 403 for a writer, 404 for a missing account, 400 for a bad id', async () => {
    await problem(await fetch(`${base}/accounts/2`, { method: 'DELETE', headers: auth(tokens.writer) }), 403);
    await problem(await fetch(`${base}/accounts/42`, { method: 'DELETE', headers: auth(tokens.admin) }), 404);
    await problem(await fetch(`${base}/accounts/-1`, { method: 'DELETE', headers: auth(tokens.admin) }), 400);
    expect(accountCount()).toBe(3);
  });
});

describe('POST /accounts/import (stream request with an NDJSON body)', () => {
  const ndjson = (lines: string[], token?: string, query = '') =>
    fetch(`${base}/accounts/import${query}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson', ...(token ? auth(token) : {}) },
      body: lines.join('\n'),
    });

  it('streams one NDJSON progress line per input line', async () => {
    const response = await ndjson(
      [
        '{"handle":"erin","email":"erin@example.com"}',
        'not json',
        '{"handle":"alice","email":"a2@example.com"}',
        '{"handle":"x","email":"nope"}',
        '{"handle":"frank","email":"frank@example.com","age":40}',
      ],
      tokens.writer,
    );

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    const lines = (await response.text())
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines.map((line) => [line.line, line.status])).toEqual([
      [1, 'created'],
      [2, 'invalid'],
      [3, 'conflict'],
      [4, 'invalid'],
      [5, 'created'],
    ]);
    expect(server.host.db.query('SELECT handle FROM accounts WHERE id > 3 ORDER BY id').all()).toEqual([
      { handle: 'erin' },
      { handle: 'frank' },
    ]);
  });

  it('takes other input from the query string', async () => {
    const response = await ndjson(['{"handle":"gina","email":"gina@example.com"}'], tokens.writer, '?dryRun=true');

    expect(JSON.parse(await response.text())).toEqual({ line: 1, status: 'checked' });
    expect(accountCount()).toBe(3);
  });

  it('answers problem+json 401 or 400, not NDJSON, when it fails before the first item', async () => {
    await problem(await ndjson(['{"handle":"hal","email":"hal@example.com"}']), 401);
    const invalid = await problem(await ndjson([], tokens.writer, '?dryRun=perhaps'), 400);

    expect(invalid.issues).toEqual([expect.objectContaining({ path: ['dryRun'] })]);
    expect(accountCount()).toBe(3);
  });

  it('answers 415 for a JSON body', async () => {
    const response = await fetch(
      `${base}/accounts/import`,
      json({ handle: 'ivy', email: 'ivy@example.com' }, tokens.writer),
    );

    await problem(response, 415);
  });
});

describe('every generated route', () => {
  it('answers 401 problem+json with WWW-Authenticate for an unknown bearer token, before anything runs', async () => {
    const exposed = server.host.mediator.describe().flatMap((message) => message.declaration.meta?.http ?? []);
    expect(exposed.length).toBe(18); // 10 fixture routes, the 7 of the user slices and GET /active-users

    for (const http of exposed) {
      const withBody = ['POST', 'PUT', 'PATCH'].includes(http.method);
      const response = await fetch(`${base}${http.path.replace('{id}', '1')}`, {
        method: http.method,
        headers: {
          authorization: 'Bearer unknown-token-0000000000',
          ...(withBody ? { 'content-type': 'application/json' } : {}),
        },
        ...(withBody ? { body: '{"malformed' } : {}),
      });

      expect((await problem(response, 401)).code, `${http.method} ${http.path}`).toBe('UNAUTHORIZED');
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer realm="slicewise"/);
    }
    expect(accountCount()).toBe(3);
  });
});

describe('routes that are not there', () => {
  it('answers an unknown route with a problem+json 404', async () => {
    const body = await problem(await fetch(`${base}/nowhere?x=1`), 404);

    expect(body).toMatchObject({ code: 'NOT_FOUND', detail: 'No route for GET /nowhere' });
  });

  it('answers a request whose headers are too large with a problem+json 431', async () => {
    const response = await fetch(`${base}/accounts?handle=${'x'.repeat(20_000)}`);

    expect((await problem(response, 431)).code).toBe('HEADERS_TOO_LARGE');
  });

  it('answers a wrong method with 405 and the Allow header', async () => {
    const put = await fetch(`${base}/accounts`, { method: 'PUT' });
    const post = await fetch(`${base}/accounts/1`, { method: 'POST' });

    expect((await problem(put, 405)).code).toBe('METHOD_NOT_ALLOWED');
    expect(put.headers.get('allow')).toBe('GET, HEAD, POST');
    await problem(post, 405);
    expect(post.headers.get('allow')).toBe('GET, HEAD, DELETE');
  });

  it('mounts no route for a request without an HTTP exposure', async () => {
    const exposed = server.host.mediator.describe().filter((message) => message.declaration.meta?.http);
    const document = (await (await fetch(`${base}/openapi.json`)).json()) as { paths: Record<string, object> };

    expect(server.host.mediator.describe().map((message) => message.name)).toContain('CountAccounts');
    expect(exposed.map((message) => message.name)).not.toContain('CountAccounts');
    expect(JSON.stringify(document)).not.toMatch(/CountAccounts/);
    const operations = Object.values(document.paths).flatMap((item) =>
      Object.values(item as Record<string, { operationId: string }>).map((operation) => operation.operationId),
    );
    expect(operations.sort()).toEqual(
      [
        'CreateAccount',
        'DeleteAccount',
        'Explode',
        'GetAccount',
        'ImportAccounts',
        'ListAccounts',
        'WaitAWhile',
        'SelectTypo',
        'ShapeAccount',
        'UncompiledOutput',
        'ListUsers',
        'GetActiveUsers',
        'GetUser',
        'RegisterUser',
        'DeactivateUser',
        'ImportUsers',
        'GetUserStats',
        'RebuildUserStats',
      ].sort(),
    );
  });
});

describe('failures inside handlers', () => {
  it('answers 500 with a body that reveals nothing and logs the error with the request id', async () => {
    const response = await fetch(`${base}/fixtures/explode`, { headers: { 'x-request-id': 'req-explode-1' } });
    const text = await response.text();

    expect(response.status).toBe(500);
    expect(JSON.parse(text)).toEqual({
      type: 'about:blank',
      title: 'Internal Server Error',
      status: 500,
      code: 'INTERNAL',
      instance: '/fixtures/explode',
      requestId: 'req-explode-1',
    });
    expect(text).not.toMatch(/SQLITE|SELECT|secrets|at .*\.js/);
    const logged = server.logs.find((line) => line.msg === 'request failed');
    expect(logged).toMatchObject({ level: 50, requestId: 'req-explode-1' });
    expect(JSON.stringify(logged)).toMatch(/no such column: password_hash/);
  });

  it("answers a typo in a handler's SQL through @slicewise/db with 500 INTERNAL, the detail only in the log", async () => {
    const response = await fetch(`${base}/fixtures/typo`, { headers: { 'x-request-id': 'req-typo-1' } });
    const text = await response.text();

    expect(response.status).toBe(500);
    expect(JSON.parse(text)).toMatchObject({ status: 500, code: 'INTERNAL', requestId: 'req-typo-1' });
    expect(JSON.parse(text)).not.toHaveProperty('detail');
    expect(text).not.toMatch(/emial|users|SELECT|column|SQLITE/i);
    const logged = server.logs.find((line) => line.msg === 'request failed' && line.requestId === 'req-typo-1');
    expect(logged).toMatchObject({ level: 50 });
    expect(JSON.stringify(logged)).toMatch(/no such column: emial/);
  });
});

describe('request ids, cancellation and deadlines', () => {
  it('echoes a sane x-request-id and carries it into the logs and the mediator context', async () => {
    const controller = new AbortController();
    const pending = fetch(`${base}/fixtures/wait?ms=5000`, {
      headers: { 'x-request-id': 'trace-42' },
      signal: controller.signal,
    }).catch(() => 'aborted');
    await expect.poll(() => observedStarts.includes('trace-42'), { timeout: 5_000 }).toBe(true);
    controller.abort();

    expect(await pending).toBe('aborted');
    await expect
      .poll(() => observedAborts.find((abort) => abort.correlationId === 'trace-42'))
      .toEqual({
        correlationId: 'trace-42',
        reason: 'CANCELLED',
      });
    const response = await fetch(`${base}/accounts/1`, { headers: { 'x-request-id': 'trace-43' } });
    expect(response.headers.get('x-request-id')).toBe('trace-43');
    expect(server.logs.filter((line) => line.requestId === 'trace-43').length).toBeGreaterThanOrEqual(2);
  });

  it('generates a request id when the incoming one is missing or unsafe', async () => {
    const missing = await fetch(`${base}/healthz`);
    const unsafe = await fetch(`${base}/healthz`, { headers: { 'x-request-id': `${'a'.repeat(200)}` } });
    const injected = await fetch(`${base}/healthz`, { headers: { 'x-request-id': 'a"b<script>' } });

    const generated = [missing, unsafe, injected].map((response) => response.headers.get('x-request-id'));
    for (const id of generated) expect(id).toMatch(/^[A-Za-z0-9_-]{12}-[0-9a-z]+$/);
    expect(new Set(generated).size).toBe(3);
  });

  it('answers 504 TIMEOUT past the request deadline', async () => {
    const quick = await startTestServer({ requestTimeout: 100 });
    try {
      const body = await problem(await fetch(`${quick.base}/fixtures/wait?ms=3000`), 504);

      expect(body.code).toBe('TIMEOUT');
    } finally {
      await quick.close();
    }
  });
});

describe('health', () => {
  it('answers /healthz and /readyz when the migrations are applied', async () => {
    expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${base}/readyz`);

    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      status: 'ready',
      events: {
        position: 0,
        subscriptions: [{ name: '@slicewise/user-stats/count-users', position: 0, lag: 0, parked: 0 }],
      },
    });
  });

  it('answers /readyz 503 when a migration is not recorded', async () => {
    server.host.db.execute("DELETE FROM _slicewise_migrations WHERE set_name = 'fixture-accounts'");

    const body = await problem(await fetch(`${base}/readyz`), 503);

    expect(body.detail).toBe('Migrations not applied: fixture-accounts/001-create-accounts');
  });

  it('answers /readyz 503 when the database is closed', async () => {
    server.host.db.close();

    const body = await problem(await fetch(`${base}/readyz`), 503);

    expect(body.detail).toBe('The database is not reachable');
    server.host.close = () => undefined;
  });
});
