import { slicewise } from '@slicewise/fastify';
import type { Host } from '@slicewise/host';
import Fastify, { type FastifyInstance } from 'fastify';

/**
 * A plain Fastify app (no hardened server: put it behind your own proxy) serving the host's exposed requests.
 * Everything transport-specific comes from the plugin; this host only says what it is.
 */
export async function createWorkerApp(host: Host): Promise<FastifyInstance> {
  const app = Fastify();
  await app.register(slicewise, { host, openapi: { title: 'Slicewise example worker', version: '0.0.0' } });
  return app;
}
