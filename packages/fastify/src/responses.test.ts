import { GetUser } from '@slicewise/get-user';
import { ListUsers } from '@slicewise/list-users';
import { GetUserStats } from '@slicewise/user-stats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer, tokens } from './test-fixtures/harness.js';
import { shapes } from './test-fixtures/outputs.js';

let server: TestServer;
let base: string;

beforeAll(async () => {
  server = await startTestServer();
  base = server.base;
  server.host.db.table('users').insertAll([
    { id: 1, name: 'Ada "The Countess" Lovelace', email: 'ada@example.com', active: 1 },
    { id: 2, name: 'Grace </script> Hopper ✓ 😀', email: 'grace@example.com', active: 0 },
    { id: 3, name: 'Line\nbreak\u2028and\ttab \\ slash', email: 'lb@example.com', active: 1 },
  ]);
  server.host.db.table('accounts').insertAll([{ id: 3, handle: 'carol', email: 'carol@example.com', age: null }]);
});
afterAll(async () => {
  await server.close();
});

/** The status, media type and exact body text of a response. */
async function answer(response: Response) {
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    body: await response.text(),
  };
}

const json = 'application/json; charset=utf-8';

describe('routes of requests declaring an output', () => {
  it('answer byte for byte what JSON.stringify of the result answered before', async () => {
    const { mediator } = server.host;

    expect(await answer(await fetch(`${base}/users/1`))).toEqual({
      status: 200,
      type: json,
      body: JSON.stringify(await mediator.send(new GetUser({ id: 1 }))),
    });
    expect((await answer(await fetch(`${base}/users/1`))).body).toBe(
      '{"id":1,"name":"Ada \\"The Countess\\" Lovelace","email":"ada@example.com","active":true}',
    );
    expect((await answer(await fetch(`${base}/users`))).body).toBe(
      JSON.stringify(await mediator.send(new ListUsers())),
    );
    expect((await answer(await fetch(`${base}/user-stats`))).body).toBe(
      JSON.stringify(await mediator.send(new GetUserStats())),
    );
    expect((await answer(await fetch(`${base}/accounts/3`))).body).toBe(
      '{"id":3,"handle":"carol","email":"carol@example.com","age":null}',
    );
  });

  it('answer a command with its status and the exact JSON of its result', async () => {
    const registered = await answer(
      await fetch(`${base}/users`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens.admin}` },
        body: JSON.stringify({ name: ' Émilie du Châtelet ', email: 'EMILIE@example.com' }),
      }),
    );
    const deactivated = await answer(
      await fetch(`${base}/users/1/deactivate`, {
        method: 'POST',
        headers: { authorization: `Bearer ${tokens.admin}` },
      }),
    );

    expect(registered).toEqual({
      status: 201,
      type: json,
      body: '{"id":4,"name":"Émilie du Châtelet","email":"emilie@example.com","active":true}',
    });
    expect(deactivated.body).toBe(
      '{"id":1,"name":"Ada \\"The Countess\\" Lovelace","email":"ada@example.com","active":false}',
    );
  });

  it('send only the properties the schema lists, in its order: the schema is the contract', async () => {
    const extra = await answer(await fetch(`${base}/fixtures/output?shape=extra`));
    const unordered = await answer(await fetch(`${base}/fixtures/output?shape=unordered`));

    expect(extra).toEqual({
      status: 200,
      type: json,
      body: '{"id":1,"handle":"alice","email":"alice@example.com","age":31}',
    });
    expect(extra.body).not.toMatch(/passwordHash|secret|note/);
    expect(unordered.body).toBe('{"id":2,"handle":"bob","email":"bob@example.com","age":null}');
    expect((await answer(await fetch(`${base}/fixtures/output?shape=exact`))).body).toBe(JSON.stringify(shapes.exact));
  });

  it.each([
    ['missing', '"email" is required!'],
    ['mistyped', 'cannot be converted to an integer'],
  ])('answer a %s result with a 500 problem, no partial body and no stack, and log why', async (shape, why) => {
    const requestId = `output-${shape}`;
    const response = await fetch(`${base}/fixtures/output?shape=${shape}`, { headers: { 'x-request-id': requestId } });
    const text = await response.text();

    expect(response.status).toBe(500);
    expect(response.headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
    expect(Number(response.headers.get('content-length'))).toBe(Buffer.byteLength(text));
    expect(JSON.parse(text)).toEqual({
      type: 'about:blank',
      title: 'Internal Server Error',
      status: 500,
      code: 'INTERNAL',
      instance: `/fixtures/output?shape=${shape}`,
      requestId,
    });
    expect(text).not.toMatch(/alice|required|converted|at .*\.js/);
    const logged = server.logs.find((line) => line.requestId === requestId && line.msg === 'request failed');
    expect(logged).toMatchObject({
      level: 50,
      err: { message: expect.stringContaining(why), serialization: { url: '/fixtures/output', method: 'GET' } },
    });
  });

  it('answer a null result as null, not as an empty object', async () => {
    expect(await answer(await fetch(`${base}/fixtures/output?shape=null`))).toEqual({
      status: 200,
      type: json,
      body: 'null',
    });
  });

  it('fall back to JSON.stringify, extra properties included, when the output cannot be compiled', async () => {
    expect(await answer(await fetch(`${base}/fixtures/output-fallback`))).toEqual({
      status: 200,
      type: json,
      body: '{"id":7,"extra":"kept: nothing filters it"}',
    });
    expect(server.logs).toContainEqual(
      expect.objectContaining({
        level: 40,
        msg: 'output not compiled',
        request: 'UncompiledOutput',
        reason: expect.stringContaining('#/definitions/missing'),
      }),
    );
  });
});
