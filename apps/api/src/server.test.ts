import 'reflect-metadata';
import { getActiveUsers } from '@slicewise/get-active-users';
import { createHost, type Host } from '@slicewise/host';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildServer } from './index.js';

let host: Host;
let app: FastifyInstance;
let base: string;

beforeEach(async () => {
  host = createHost({ slices: [getActiveUsers] });
  host.db.table('users').insertAll([
    { id: 1, name: 'Alice', email: 'alice@example.com', active: 1 },
    { id: 2, name: 'Bob', email: 'bob@example.com', active: 0 },
  ]);
  app = buildServer({ host });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
});
afterEach(async () => {
  await app.close();
  host.close();
});

describe('GET /users?active=true', () => {
  it('returns the active users as a JSON array', async () => {
    const response = await fetch(`${base}/users?active=true`);

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toEqual([{ id: 1, name: 'Alice', email: 'alice@example.com', active: true }]);
  });

  it('answers what the database holds now', async () => {
    host.db.execute('UPDATE users SET active = 1 WHERE id = 2');

    const users = (await (await fetch(`${base}/users?active=true`)).json()) as { id: number }[];

    expect(users.map((user) => user.id)).toEqual([1, 2]);
  });

  it('rejects a query it cannot answer with a problem+json 400 naming the field', async () => {
    const response = await fetch(`${base}/users?active=maybe`);

    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await response.json()).toMatchObject({
      status: 400,
      code: 'VALIDATION',
      issues: [{ path: ['active'], message: 'must be true' }],
    });
  });
});

describe('the API itself', () => {
  it('answers /healthz', async () => {
    const response = await fetch(`${base}/healthz`);

    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('answers an unknown route with a problem+json 404', async () => {
    const response = await fetch(`${base}/nowhere`);

    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ status: 404, detail: 'No route for GET /nowhere' });
  });

  it('answers a failure inside a handler with a 500 that reveals nothing', async () => {
    host.db.execute('DROP TABLE users');

    const response = await fetch(`${base}/users?active=true`);
    const body = await response.text();

    expect(response.status).toBe(500);
    expect(JSON.parse(body)).toEqual({
      type: 'about:blank',
      title: 'Internal Server Error',
      status: 500,
      code: 'INTERNAL',
      instance: '/users?active=true',
    });
    expect(body).not.toMatch(/no such table|SQLITE|SELECT/i);
  });
});
