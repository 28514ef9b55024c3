import 'reflect-metadata';
import { createHost } from '@slicewise/host';
import {
  defineCommand,
  defineQuery,
  defineSlice,
  defineStream,
  handle,
  handleStream,
  type RequestMeta,
} from '@slicewise/mediator';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { HttpMetaError } from './http-meta.js';
import { slicewise } from './plugin.js';

const input = z.object({ id: z.coerce.number(), after: z.coerce.number().optional(), limit: z.number().default(5) });

class Answer {
  handle() {
    return [];
  }
}
class Items {
  async *handle() {}
}

/** Registers the plugin on a host serving one request with this `meta`; resolves with the error, if any. */
async function registrationError(
  meta: unknown,
  kind: 'query' | 'command' | 'stream' = 'query',
  withInput = true,
): Promise<Error | undefined> {
  const definition = { ...(withInput ? { input } : {}), meta: meta as RequestMeta };
  const Request =
    kind === 'query'
      ? defineQuery(definition)
      : kind === 'command'
        ? defineCommand(definition)
        : defineStream(definition);
  class Probe extends (Request as unknown as new () => object) {}
  const handlers =
    kind === 'stream' ? [handleStream(Probe as never, Items as never)] : [handle(Probe as never, Answer as never)];
  const host = createHost({ slices: [defineSlice({ name: 'probe', handlers })] });
  const app = Fastify();
  try {
    await app.register(slicewise, { host, openapi: false });
    await app.ready();
    return undefined;
  } catch (error) {
    return error as Error;
  } finally {
    await app.close();
    host.close();
  }
}

describe('meta.http, checked when the plugin is registered', () => {
  it('accepts a valid declaration', async () => {
    expect(await registrationError({ http: { method: 'GET', path: '/probe/{id}' } })).toBeUndefined();
    expect(await registrationError({ http: { method: 'POST', path: '/probe', body: 'ndjson' } }, 'stream')).toBe(
      undefined,
    );
    expect(await registrationError({ http: { method: 'GET', path: '/probe', paging: { after: 'id' } } })).toBe(
      undefined,
    );
  });

  it.each([
    [{ http: { method: 'FETCH', path: '/probe' } }, 'query', /Probe: meta\.http method must be one of GET, POST/],
    [{ http: { method: 'GET', path: 'probe' } }, 'query', /Probe: meta\.http path must be like \/users\/\{id\}/],
    [{ http: { method: 'GET', path: '/probe/{nope}' } }, 'query', /path parameter\(s\) \{nope\} are not fields/],
    [{ http: { method: 'GET', path: '/probe/{id}/{id}' } }, 'query', /path names \{id\} twice/],
    [{ http: { method: 'POST', path: '/probe', body: 'ndjson' } }, 'command', /body 'ndjson' needs a stream/],
    [{ http: { method: 'GET', path: '/probe', body: 'ndjson' } }, 'stream', /needs POST, PUT or PATCH, not GET/],
    [{ http: { method: 'POST', path: '/probe', status: 404 } }, 'command', /status must be a whole number from 200/],
    [{ http: { method: 'GET', path: '/probe', stauts: 201 } }, 'query', /unknown field\(s\) stauts/],
    [{ http: { method: 'POST', path: '/probe', paging: { after: 'id' } } }, 'command', /paging needs a query/],
    [{ http: { method: 'GET', path: '/probe', paging: {} } }, 'query', /paging must be \{ after/],
    [{ http: 'GET /probe' }, 'query', /meta\.http must be an object/],
  ] as const)('refuses %j on a %s, naming the request', async (meta, kind, message) => {
    const error = await registrationError(meta, kind);

    expect(error).toBeInstanceOf(HttpMetaError);
    expect(error?.message).toMatch(message);
    expect((error as HttpMetaError).code).toBe('INTERNAL');
  });

  it('refuses path parameters when the request declares no input schema', async () => {
    const error = await registrationError({ http: { method: 'GET', path: '/probe/{id}' } }, 'query', false);

    expect(error?.message).toMatch(/Probe: meta\.http path has \{id\} but the request declares no input schema/);
  });

  it('refuses two requests on one method and path', async () => {
    const First = class First extends defineQuery({ meta: { http: { method: 'GET', path: '/same' } } }) {};
    const Second = class Second extends defineQuery({ meta: { http: { method: 'GET', path: '/same' } } }) {};
    const host = createHost({
      slices: [
        defineSlice({ name: 'twice', handlers: [handle(First, Answer as never), handle(Second, Answer as never)] }),
      ],
    });
    const app = Fastify();

    await expect(app.register(slicewise, { host, openapi: false }).ready()).rejects.toThrow(
      /Second: meta\.http GET \/same is already First's route/,
    );
    await app.close();
    host.close();
  });
});
