import { defineQuery, type RequestMeta } from '@slicewise/mediator';
import { describe, expectTypeOf, it } from 'vitest';
import type { HttpMeta } from './index.js';

describe('meta.http, typed by declaration merging', () => {
  it('types the http key of every declaration once @slicewise/fastify is imported', () => {
    expectTypeOf<RequestMeta['http']>().toEqualTypeOf<HttpMeta | undefined>();
    defineQuery({ meta: { http: { method: 'GET', path: '/users', paging: { after: 'id' } } } });
    // @ts-expect-error: not an HTTP method the adapter mounts
    defineQuery({ meta: { http: { method: 'FETCH', path: '/users' } } });
    // @ts-expect-error: body is 'json' or 'ndjson'
    defineQuery({ meta: { http: { method: 'POST', path: '/users', body: 'csv' } } });
    // other adapters' keys stay open
    defineQuery({ meta: { cli: { command: 'users list' } } });
  });
});
