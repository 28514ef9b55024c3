import 'reflect-metadata';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHost, type Host } from '@slicewise/host';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createWorkerServer } from './server.js';
import { slices } from './slices.js';

let host: Host;
let server: Server;
let base: string;

beforeEach(async () => {
  host = createHost({ slices });
  host.db.table('users').insertAll([
    { id: 1, name: 'Alice', email: 'alice@example.com', active: 1 },
    { id: 2, name: 'Bob', email: 'bob@example.com', active: 0 },
  ]);
  server = createWorkerServer(host);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(async () => {
  await new Promise((resolve) => server.close(resolve));
  host.close();
});

describe('example worker', () => {
  it('composes its own subset of slices', () => {
    expect(slices.map((slice) => slice.name)).toEqual(['@slicewise/get-active-users']);
  });

  it('answers GET /active-users through the mediator', async () => {
    const response = await fetch(`${base}/active-users`);

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toEqual([{ id: 1, name: 'Alice', email: 'alice@example.com', active: true }]);
  });

  it('answers 404 with a code for a route it does not have', async () => {
    const response = await fetch(`${base}/users`, { method: 'DELETE' });

    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ code: 'NOT_FOUND', message: 'No route for DELETE /users' });
  });

  it('maps a failing handler to 500 without leaking its cause', async () => {
    host.db.execute('DROP TABLE users');

    const response = await fetch(`${base}/active-users`);

    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ code: 'INTERNAL', message: 'Internal error' });
  });
});
