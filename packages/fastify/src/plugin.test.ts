import 'reflect-metadata';
import { createHost, type Host } from '@slicewise/host';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TokenStore } from './auth.js';
import { drain, slicewise } from './plugin.js';
import { slices } from './test-fixtures/user-slices.js';

const writer = 'writer-token-0123456789abcdef';
let host: Host;
let app: FastifyInstance;

beforeEach(async () => {
  host = createHost({ slices });
  app = Fastify();
  await app.register(slicewise, {
    host,
    auth: new TokenStore({ [writer]: { id: 'wanda', permissions: ['users:write'] } }),
    openapi: { title: 'Plain', version: '3.0.1' },
  });
});
afterEach(async () => {
  await app.close();
  host.close();
});

describe('app.register(slicewise, { host, auth }) on a plain Fastify app', () => {
  it('serves the composed requests, with the bearer tokens it was given', async () => {
    const denied = await app.inject({ method: 'POST', url: '/users', payload: { name: 'Ada', email: 'a@b.example' } });
    const created = await app.inject({
      method: 'POST',
      url: '/users',
      headers: { authorization: `Bearer ${writer}` },
      payload: { name: 'Ada', email: 'ada@example.com' },
    });
    const listed = await app.inject({ method: 'GET', url: '/users' });

    expect(denied.statusCode).toBe(401);
    expect(denied.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(created.statusCode).toBe(201);
    expect(listed.json()).toEqual([{ id: 1, name: 'Ada', email: 'ada@example.com', active: true }]);
    expect(listed.headers['x-request-id']).toBeTruthy();
  });

  it('answers unknown routes and methods with problems, and documents the routes with its version', async () => {
    const missing = await app.inject({ method: 'GET', url: '/nowhere' });
    const wrongMethod = await app.inject({ method: 'DELETE', url: '/users' });
    const document = (await app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
      info: { title: string; version: string };
      paths: Record<string, unknown>;
    };

    expect(missing.json()).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    expect(wrongMethod.statusCode).toBe(405);
    expect(wrongMethod.headers.allow).toBe('GET, HEAD, POST');
    expect(document.info).toMatchObject({ title: 'Plain', version: '3.0.1' });
    expect(Object.keys(document.paths).sort()).toEqual([
      '/user-stats',
      '/user-stats/rebuild',
      '/users',
      '/users/import',
      '/users/{id}',
      '/users/{id}/deactivate',
    ]);
  });

  it('drains: every request after drain() is 503 problem with Connection: close', async () => {
    await drain(app);
    const response = await app.inject({ method: 'GET', url: '/users' });

    expect(response.statusCode).toBe(503);
    expect(response.headers.connection).toBe('close');
    expect(response.json()).toMatchObject({ code: 'UNAVAILABLE', detail: 'The server is shutting down' });
  });
});
