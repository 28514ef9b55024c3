/** Starts the API in-process on 127.0.0.1 with the fixture slices on a fresh database file, for tests. */
import { getActiveUsers } from '@slicewise/get-active-users';
import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createHost, type Host } from '@slicewise/host';
import type { FastifyInstance } from 'fastify';
import { TokenStore } from '../auth.js';
import { buildServer, type ServerOptions } from '../server.js';
import { accounts } from './accounts.js';
import { outputs } from './outputs.js';
import { slices } from './user-slices.js';

/** Tokens the tests use: a reader (no permission), a writer and an admin (`*`). */
export const tokens = {
  reader: 'reader-token-0123456789abcdef',
  writer: 'writer-token-0123456789abcdef',
  admin: 'admin-token-0123456789abcdef',
} as const;

/** A running test server. */
export interface TestServer {
  app: FastifyInstance;
  host: Host;
  base: string;
  /** Every JSON log line written so far. */
  logs: Record<string, unknown>[];
  close(): Promise<void>;
}

/**
 * Starts a server composing the production slices, the fixture slices (accounts, outputs), and get-active-users
 * (a request with no HTTP exposure, which must not be mounted).
 */
export async function startTestServer(options: Partial<Omit<ServerOptions, 'host'>> = {}): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'slicewise-api-test-'));
  const host = createHost({ slices: [...slices, getActiveUsers, accounts, outputs], database: join(dir, 'api.db') });
  const logs: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n')) if (line) logs.push(JSON.parse(line));
      done();
    },
  });
  const app = buildServer({
    host,
    logger: { level: 'info', stream },
    auth: new TokenStore({
      [tokens.reader]: { id: 'rita', permissions: [] },
      [tokens.writer]: { id: 'wanda', permissions: ['accounts:write'] },
      [tokens.admin]: { id: 'ada', permissions: ['*'] },
    }),
    ...options,
  });
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    app,
    host,
    base,
    logs,
    async close() {
      await app.close();
      host.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
