import { createHost, type Host } from '@slicewise/host';
import type { Slice } from '@slicewise/mediator';
import type { FastifyInstance } from 'fastify';
import { TokenStore } from './auth.js';
import { type ApiConfig, readConfig } from './config.js';
import { buildServer } from './server.js';

/** Options of {@link startServer}. */
export interface StartOptions {
  /** The slices to serve. */
  slices: readonly Slice[];
  /** The environment to read the configuration from. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Shut down gracefully on SIGTERM and SIGINT, then exit. Default true. */
  handleSignals?: boolean;
}

/** A listening API. */
export interface RunningServer {
  readonly app: FastifyInstance;
  readonly host: Host;
  readonly config: ApiConfig;
  /** The address it listens on, e.g. `http://127.0.0.1:3000`. */
  readonly address: string;
  /**
   * Stops accepting connections, lets in-flight requests finish for up to `SHUTDOWN_TIMEOUT_MS` (then closes
   * their connections), and closes the database. Safe to call more than once.
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
}: StartOptions): Promise<RunningServer> {
  const config = readConfig(env);
  const host = createHost({ slices, database: config.database });
  const tokens = new TokenStore(config.tokens);
  const app = buildServer({
    host,
    tokens,
    logger: { level: config.logLevel },
    requestTimeout: config.requestTimeout,
    bodyLimit: config.bodyLimit,
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
  app.log.info({ database: config.database, tokens: tokens.size, applied: host.applied.length }, 'slicewise api ready');
  return { app, host, config, address, close };
}
