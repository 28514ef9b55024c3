import 'reflect-metadata';
import { createHost, type Host } from '@slicewise/host';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createWorkerApp } from './app.js';
import { slices } from './slices.js';

let host: Host;
let app: FastifyInstance;
let base: string;

beforeEach(async () => {
  host = createHost({ slices });
  host.db.table('users').insertAll([
    { id: 1, name: 'Alice', email: 'alice@example.com', active: 1 },
    { id: 2, name: 'Bob', email: 'bob@example.com', active: 0 },
  ]);
  app = await createWorkerApp(host);
  base = await app.listen({ port: 0, host: '127.0.0.1' });
});
afterEach(async () => {
  await app.close();
  host.close();
});

describe('example worker', () => {
  it('composes its own subset of slices', () => {
    expect(slices.map((slice) => slice.name)).toEqual(['@slicewise/get-active-users']);
  });

  it('answers GET /active-users through the mediator, from the slice declaration', async () => {
    const response = await fetch(`${base}/active-users?limit=1`);

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toEqual([{ id: 1, name: 'Alice', email: 'alice@example.com', active: true }]);
  });

  it('serves no route its slices do not declare, as a problem', async () => {
    const response = await fetch(`${base}/users`, { method: 'DELETE' });

    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await response.json()).toMatchObject({ status: 404, code: 'NOT_FOUND' });
  });

  it('answers bad input 400 with the field, and a failing handler 500 without its cause', async () => {
    const invalid = await fetch(`${base}/active-users?limit=0`);
    host.db.execute('DROP TABLE users');
    const failing = await fetch(`${base}/active-users`);
    const body = await failing.text();

    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toMatchObject({ code: 'VALIDATION', issues: [{ path: ['limit'] }] });
    expect(failing.status).toBe(500);
    expect(JSON.parse(body)).toMatchObject({ status: 500, code: 'INTERNAL' });
    expect(body).not.toMatch(/SQL|no such table|SELECT/i);
  });

  it('documents what it serves: /openapi.json lists its one operation', async () => {
    const document = (await (await fetch(`${base}/openapi.json`)).json()) as { paths: Record<string, unknown> };

    expect(Object.keys(document.paths)).toEqual(['/active-users']);
  });
});
