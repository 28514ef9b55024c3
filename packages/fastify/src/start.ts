import { createHost, type Host, type WorkerOptions } from '@slicewise/host';
import type { Slice } from '@slicewise/mediator';
import type { FastifyInstance } from 'fastify';
import { TokenStore } from './auth.js';
import { type ApiConfig, readConfig } from './config.js';
import { drain, type OpenApiOptions } from './plugin.js';
import { buildServer } from './server.js';

/** Options of {@link startServer}. */
export interface StartOptions {
  /** The slices to serve. */
  slices: readonly Slice[];
  /** The environment to read the configuration from. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Shut down gracefully on SIGTERM and SIGINT, then exit. Default true. */
  handleSignals?: boolean;
  /** The OpenAPI document's title, version (the host's real version) and servers; `false` for none. */
  openapi?: OpenApiOptions | false;
  /**
   * Where a worker thread imports the slices from (`{ module: new URL('./slices.js', import.meta.url) }`): the
   * requests declared `meta: { worker: true }` (bulk imports) then run there, and their writes never hold the
   * event loop that answers reads. Without it, or on an in-memory database (which a thread cannot share), they
   * run on the event loop, yielding between batches.
   */
  worker?: WorkerOptions;
}

/** A listening API. */
export interface RunningServer {
  readonly app: FastifyInstance;
  readonly host: Host;
  readonly config: ApiConfig;
  /** The address it listens on, e.g. `http://127.0.0.1:3000`. */
  readonly address: string;
  /**
   * Drains (requests arriving meanwhile get 503 problem with `Connection: close`) while in-flight requests
   * finish, for up to `SHUTDOWN_TIMEOUT_MS` (then closes their connections); then stops listening and closes the
   * database. Safe to call more than once.
   */
  close(): Promise<void>;
}

/**
 * Reads the configuration, composes the slices on the configured database (applying their migrations) and
 * listens. Every configuration problem is reported at once, before anything is opened.
 */
export async function startServer({
  slices,
  env = process.env,
  handleSignals = true,
  openapi,
  worker,
}: StartOptions): Promise<RunningServer> {
  const config = readConfig(env);
  // An in-memory database cannot be shared with a thread: its requests then run here, yielding between batches.
  const workerThread = worker !== undefined && config.database !== ':memory:';
  // Start-up (migrations) may wait for another process's lock as long as SQLite's default; serving then waits
  // only briefly in SQLite and retries without blocking the event loop (see busy-retry.ts).
  const host = createHost({
    slices,
    database: config.database,
    // A worker thread checkpoints the WAL, so commits on the event loop rarely copy the log and wait for its fsyncs.
    databaseOptions: { synchronous: config.db.synchronous, busyTimeout: 5_000, checkpoint: 'background' },
    ...(workerThread && { worker }),
  });
  try {
    await host.ready; // the worker thread's composition errors, before anything is served
  } catch (error) {
    host.close();
    throw error;
  }
  host.db.raw.pragma(`busy_timeout = ${config.db.busyTimeout}`);
  const tokens = new TokenStore(config.tokens);
  const app = buildServer({
    host,
    auth: tokens,
    ...(openapi === undefined ? {} : { openapi }),
    logger: { level: config.logLevel },
    requestTimeout: config.requestTimeout,
    bodyLimit: config.bodyLimit,
    limits: config.limits,
  });
  app.addHook('onClose', async () => host.close());

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      const force = setTimeout(() => {
        app.log.warn({ timeoutMs: config.shutdownTimeout }, 'shutdown: closing connections still in flight');
        app.server.closeAllConnections();
      }, config.shutdownTimeout);
      force.unref();
      try {
        await drain(app); // new requests meanwhile: 503 problem with Connection: close
        await app.close();
      } finally {
        clearTimeout(force);
      }
      app.log.info('shutdown complete: database closed');
    })();
    return closing;
  };

  if (handleSignals) {
    const onSignal = (signal: NodeJS.Signals) => {
      app.log.info({ signal }, 'shutting down');
      close().then(
        () => process.exit(0),
        (error: unknown) => {
          app.log.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
    };
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
  }

  let address: string;
  try {
    address = await app.listen({ port: config.port, host: config.host });
  } catch (error) {
    await app.close().catch(() => undefined);
    throw error;
  }
  app.log.info(
    { database: config.database, tokens: tokens.size, applied: host.applied.length, workerThread },
    'slicewise http ready',
  );
  return { app, host, config, address, close };
}
