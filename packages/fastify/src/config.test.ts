import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TokenStore } from './auth.js';
import { readConfig } from './config.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const token = 'a-token-of-sufficient-length';

describe('readConfig', () => {
  it('defaults every setting', () => {
    expect(readConfig({ INIT_CWD: '/srv/app' })).toEqual({
      port: 3000,
      host: '127.0.0.1',
      database: '/srv/app/data/slicewise.db',
      logLevel: 'info',
      tokens: {},
      requestTimeout: 10_000,
      shutdownTimeout: 10_000,
      bodyLimit: 1_048_576,
      limits: {
        connectionTimeout: 30_000,
        keepAliveTimeout: 5_000,
        headersTimeout: 10_000,
        receiveTimeout: 60_000,
        bodyIdleTimeout: 5_000,
        maxConnections: 1_000,
        maxRequestsPerSocket: 10_000,
        maxPipelinedRequests: 32,
      },
      db: { synchronous: 'NORMAL', busyTimeout: 10 },
    });
  });

  it('reads the limits and database settings', () => {
    const config = readConfig({
      HEADERS_TIMEOUT_MS: '2000',
      RECEIVE_TIMEOUT_MS: '0',
      BODY_IDLE_TIMEOUT_MS: '1500',
      MAX_CONNECTIONS: '50',
      MAX_PIPELINED_REQUESTS: '4',
      SLICEWISE_DB_SYNCHRONOUS: 'full',
      SLICEWISE_DB_BUSY_TIMEOUT_MS: '0',
    });

    expect(config.limits).toMatchObject({
      headersTimeout: 2_000,
      receiveTimeout: 0,
      bodyIdleTimeout: 1_500,
      maxConnections: 50,
      maxPipelinedRequests: 4,
    });
    expect(config.db).toEqual({ synchronous: 'FULL', busyTimeout: 0 });
  });

  it('refuses limits that contradict each other or are out of range', () => {
    const read = () =>
      readConfig({
        HEADERS_TIMEOUT_MS: '20000',
        RECEIVE_TIMEOUT_MS: '10000',
        MAX_CONNECTIONS: '0',
        SLICEWISE_DB_SYNCHRONOUS: 'OFF',
      });

    expect(read).toThrow(
      [
        'Invalid configuration:',
        '  MAX_CONNECTIONS must be a whole number from 1 to 1000000, got "0"',
        '  RECEIVE_TIMEOUT_MS must be 0 or at least HEADERS_TIMEOUT_MS',
        '  SLICEWISE_DB_SYNCHRONOUS must be NORMAL or FULL',
      ].join('\n'),
    );
  });

  it('reports every bad setting at once', () => {
    const read = () =>
      readConfig({
        PORT: '70000',
        LOG_LEVEL: 'loud',
        REQUEST_TIMEOUT_MS: '1.5',
        SHUTDOWN_TIMEOUT_MS: 'soon',
        BODY_LIMIT_BYTES: '0',
        SLICEWISE_TOKENS: '{ not json',
        SLICEWISE_TOKENS_FILE: '/nowhere/tokens.json',
      });

    expect(read).toThrow(
      [
        'Invalid configuration:',
        '  PORT must be a whole number from 0 to 65535, got "70000"',
        '  LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent',
        '  REQUEST_TIMEOUT_MS must be a whole number from 1 to 3600000, got "1.5"',
        '  SHUTDOWN_TIMEOUT_MS must be a whole number from 0 to 600000, got "soon"',
        '  BODY_LIMIT_BYTES must be a whole number from 1 to 1073741824, got "0"',
        '  SLICEWISE_TOKENS is not valid JSON',
        '  SLICEWISE_TOKENS_FILE (/nowhere/tokens.json) cannot be read',
      ].join('\n'),
    );
  });

  it('merges the tokens of SLICEWISE_TOKENS and SLICEWISE_TOKENS_FILE', () => {
    const dir = mkdtempSync(join(tmpdir(), 'slicewise-config-'));
    dirs.push(dir);
    const file = join(dir, 'tokens.json');
    writeFileSync(file, JSON.stringify({ [`${token}-file`]: { id: 'ci', permissions: ['*'] } }));

    const config = readConfig({
      SLICEWISE_TOKENS: JSON.stringify({ [token]: { id: 'ada', permissions: ['users:write'] } }),
      SLICEWISE_TOKENS_FILE: file,
    });

    expect(config.tokens).toEqual({
      [token]: { id: 'ada', permissions: ['users:write'] },
      [`${token}-file`]: { id: 'ci', permissions: ['*'] },
    });
  });

  it('rejects tokens that are short, callers without an id, and permissions that are not names', () => {
    const read = () =>
      readConfig({
        SLICEWISE_TOKENS: JSON.stringify({
          short: { id: 'a', permissions: [] },
          [token]: { permissions: ['users:write'] },
          [`${token}-2`]: { id: 'b', permissions: 'users:write' },
        }),
      });

    expect(read).toThrow(/token #1 must be 16 to 512 characters/);
    expect(read).toThrow(/token #2 needs a non-empty string "id"/);
    expect(read).toThrow(/token #3 needs "permissions" as an array/);
    expect(read).not.toThrow(/short/);
  });
});

describe('TokenStore', () => {
  const store = new TokenStore({ [token]: { id: 'ada', permissions: ['users:write'] } });

  it('names the caller of a known bearer token, and no caller without a header', () => {
    expect(store.authenticate(`Bearer ${token}`)).toEqual({ id: 'ada', permissions: ['users:write'] });
    expect(store.authenticate(`bearer  ${token}`)).toEqual({ id: 'ada', permissions: ['users:write'] });
    expect(store.authenticate(undefined)).toBeUndefined();
  });

  it('refuses unknown tokens and other schemes as UNAUTHORIZED', () => {
    for (const header of [`Bearer ${token}x`, 'Bearer', `Basic ${token}`, token, `Bearer ${token} extra`]) {
      expect(() => store.authenticate(header), header).toThrow(expect.objectContaining({ code: 'UNAUTHORIZED' }));
    }
  });
});
