import { readFileSync } from 'node:fs';
import { type RunningServer, type StartOptions, startServer as start } from '@slicewise/fastify';

/** This API's version, from its package.json: the OpenAPI document's `info.version`. */
export const version: string = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;

/**
 * Starts the Slicewise API on the configuration in the environment (`PORT`, `SLICEWISE_DB`, `SLICEWISE_TOKENS`…,
 * see `@slicewise/fastify`'s `readConfig`), documented as `Slicewise API <version>`.
 */
export function startServer(options: StartOptions): Promise<RunningServer> {
  return start({
    openapi: { title: 'Slicewise API', version, license: { name: 'MIT', identifier: 'MIT' } },
    ...options,
  });
}
