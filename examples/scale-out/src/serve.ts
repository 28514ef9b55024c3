import { drain, parseTokens, TokenStore } from '@slicewise/fastify';
import type { FastifyInstance } from 'fastify';

/**
 * The bearer tokens a host accepts, from `SLICEWISE_TOKENS` (the JSON apps/api reads:
 * `{ "<token>": { "id": "...", "permissions": ["users:write"] } }`); none when it is unset. A bad document ends the
 * process with the problems (never the tokens) before anything is opened.
 */
export function tokensFromEnv(env: NodeJS.ProcessEnv = process.env): TokenStore {
  if (!env.SLICEWISE_TOKENS) return new TokenStore();
  try {
    return new TokenStore(parseTokens(env.SLICEWISE_TOKENS, 'SLICEWISE_TOKENS'));
  } catch (error) {
    console.error((error as Error).message);
    process.exit(2);
  }
}

/**
 * Listens on PORT (default `port`) and HOST (127.0.0.1) and prints `<name> on <address>`. On SIGTERM/SIGINT:
 * drains (requests arriving meanwhile get 503), closes the app, runs `stop` (the bridge, the host) and exits 0.
 */
export async function serve(name: string, app: FastifyInstance, port: number, stop: () => Promise<void>) {
  const shutdown = () =>
    void drain(app)
      .then(() => app.close())
      .then(stop)
      .finally(() => process.exit(0));
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
  const address = await app.listen({ port: Number(process.env.PORT ?? port), host: process.env.HOST ?? '127.0.0.1' });
  console.log(`${name} on ${address}`);
}
