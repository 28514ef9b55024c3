import { readFileSync } from 'node:fs';
import { resolveDatabasePath } from '@slicewise/host';
import { parseTokens, type TokenGrant } from './auth.js';
import { defaultLimits, type HttpLimits } from './limits.js';

/** The API's settings, read from the environment. */
export interface ApiConfig {
  port: number;
  host: string;
  database: string;
  logLevel: string;
  /** Bearer tokens and what they grant, from `SLICEWISE_TOKENS` and/or `SLICEWISE_TOKENS_FILE`. */
  tokens: Record<string, TokenGrant>;
  /** Deadline of one dispatch, in milliseconds. */
  requestTimeout: number;
  /** How long shutdown waits for in-flight requests before closing their connections. */
  shutdownTimeout: number;
  /** Largest JSON body accepted, in bytes. */
  bodyLimit: number;
  /** What one client may hold of the server: timeouts, connections, buffered bytes. */
  limits: HttpLimits;
  /** How the API opens its database. */
  db: DatabaseSettings;
}

/** How the API opens its database file. */
export interface DatabaseSettings {
  /** `PRAGMA synchronous`: `NORMAL` survives a process crash, `FULL` also a power loss (each commit fsyncs). */
  synchronous: 'NORMAL' | 'FULL';
  /** SQLite's own (blocking) wait for a lock, in ms, before the API's asynchronous retry takes over. */
  busyTimeout: number;
}

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function wholeNumber(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: number,
  min: number,
  max: number,
  problems: string[],
): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(value) || value < min || value > max) {
    problems.push(`${name} must be a whole number from ${min} to ${max}, got ${JSON.stringify(raw)}`);
  }
  return value;
}

function readTokens(env: NodeJS.ProcessEnv, problems: string[]): Record<string, TokenGrant> {
  const tokens: Record<string, TokenGrant> = {};
  const sources: [string, () => string][] = [];
  if (env.SLICEWISE_TOKENS) sources.push(['SLICEWISE_TOKENS', () => env.SLICEWISE_TOKENS as string]);
  const file = env.SLICEWISE_TOKENS_FILE;
  if (file) sources.push([`SLICEWISE_TOKENS_FILE (${file})`, () => readFileSync(file, 'utf8')]);
  for (const [source, read] of sources) {
    try {
      Object.assign(tokens, parseTokens(read(), source));
    } catch (error) {
      const message = (error as NodeJS.ErrnoException).code ? `${source} cannot be read` : (error as Error).message;
      problems.push(message);
    }
  }
  return tokens;
}

/** Reads and checks the environment; throws one error listing every bad setting. */
export function readConfig(env: NodeJS.ProcessEnv = process.env): ApiConfig {
  const problems: string[] = [];
  const port = wholeNumber(env, 'PORT', 3000, 0, 65535, problems);
  const logLevel = env.LOG_LEVEL || 'info';
  if (!logLevels.includes(logLevel)) problems.push(`LOG_LEVEL must be one of ${logLevels.join(', ')}`);
  const requestTimeout = wholeNumber(env, 'REQUEST_TIMEOUT_MS', 10_000, 1, 3_600_000, problems);
  const shutdownTimeout = wholeNumber(env, 'SHUTDOWN_TIMEOUT_MS', 10_000, 0, 600_000, problems);
  const bodyLimit = wholeNumber(env, 'BODY_LIMIT_BYTES', 1_048_576, 1, 1_073_741_824, problems);
  const tokens = readTokens(env, problems);
  const limits = readLimits(env, problems);
  const synchronous = (env.SLICEWISE_DB_SYNCHRONOUS || 'NORMAL').toUpperCase();
  if (synchronous !== 'NORMAL' && synchronous !== 'FULL')
    problems.push('SLICEWISE_DB_SYNCHRONOUS must be NORMAL or FULL');
  const busyTimeout = wholeNumber(env, 'SLICEWISE_DB_BUSY_TIMEOUT_MS', 10, 0, 5_000, problems);
  if (problems.length > 0) throw new Error(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  return {
    port,
    host: env.HOST || '127.0.0.1',
    database: resolveDatabasePath(undefined, env),
    logLevel,
    tokens,
    requestTimeout,
    shutdownTimeout,
    bodyLimit,
    limits,
    db: { synchronous: synchronous as DatabaseSettings['synchronous'], busyTimeout },
  };
}

const hour = 3_600_000;

function readLimits(env: NodeJS.ProcessEnv, problems: string[]): HttpLimits {
  const d = defaultLimits;
  const limits: HttpLimits = {
    connectionTimeout: wholeNumber(env, 'CONNECTION_TIMEOUT_MS', d.connectionTimeout, 0, hour, problems),
    keepAliveTimeout: wholeNumber(env, 'KEEP_ALIVE_TIMEOUT_MS', d.keepAliveTimeout, 1, hour, problems),
    headersTimeout: wholeNumber(env, 'HEADERS_TIMEOUT_MS', d.headersTimeout, 1, hour, problems),
    receiveTimeout: wholeNumber(env, 'RECEIVE_TIMEOUT_MS', d.receiveTimeout, 0, hour, problems),
    bodyIdleTimeout: wholeNumber(env, 'BODY_IDLE_TIMEOUT_MS', d.bodyIdleTimeout, 1, hour, problems),
    maxConnections: wholeNumber(env, 'MAX_CONNECTIONS', d.maxConnections, 1, 1_000_000, problems),
    maxRequestsPerSocket: wholeNumber(env, 'MAX_REQUESTS_PER_SOCKET', d.maxRequestsPerSocket, 0, 1e9, problems),
    maxPipelinedRequests: wholeNumber(env, 'MAX_PIPELINED_REQUESTS', d.maxPipelinedRequests, 1, 100_000, problems),
  };
  if (limits.receiveTimeout !== 0 && limits.receiveTimeout < limits.headersTimeout) {
    problems.push('RECEIVE_TIMEOUT_MS must be 0 or at least HEADERS_TIMEOUT_MS');
  }
  return limits;
}
