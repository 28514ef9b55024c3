import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './test-fixtures/harness.js';

let server: TestServer;
const userCount = 345;
/** Every third user is inactive. */
const activeIds = Array.from({ length: userCount }, (_, index) => index + 1).filter((id) => id % 3 !== 0);

beforeAll(async () => {
  server = await startTestServer();
  server.host.db.table('users').insertAll(
    Array.from({ length: userCount }, (_, index) => ({
      id: index + 1,
      name: `User ${index + 1}`,
      email: `user${index + 1}@example.com`,
      active: (index + 1) % 3 === 0 ? 0 : 1,
    })),
  );
  server.host.db.table('accounts').insertAll([{ id: 1, handle: 'alice', email: 'alice@example.com', age: 31 }]);
});
afterAll(async () => {
  await server.close();
});

/** The target of a `Link: <…>; rel="next"` header, or undefined. */
function nextOf(response: Response): string | undefined {
  const link = response.headers.get('link');
  if (link === null) return undefined;
  const match = /^<([^>]+)>; rel="next"$/.exec(link);
  if (!match?.[1]) throw new Error(`not a next link: ${link}`);
  return match[1];
}

/** Follows the `Link` headers from `first` to the last page; returns every id seen and every URL asked. */
async function walk(first: string): Promise<{ ids: number[]; urls: string[] }> {
  const ids: number[] = [];
  const urls: string[] = [];
  let url: string | undefined = first;
  while (url !== undefined && urls.length < 100) {
    urls.push(url);
    const response = await fetch(`${server.base}${url}`);
    expect(response.status).toBe(200);
    ids.push(...((await response.json()) as { id: number }[]).map((user) => user.id));
    url = nextOf(response);
  }
  return { ids, urls };
}

describe('GET /users paged by cursor (meta.http.paging)', () => {
  it('links every full page to the next one, through all the users, with the default limit', async () => {
    const { ids, urls } = await walk('/users');

    expect(ids).toEqual(Array.from({ length: userCount }, (_, index) => index + 1));
    expect(urls).toEqual(['/users', ...[50, 100, 150, 200, 250, 300].map((after) => `/users?after=${after}&limit=50`)]);
  });

  it("keeps the query's limit and its other parameters, and drops offset", async () => {
    const { ids, urls } = await walk('/users?active=true&limit=40&offset=0');

    expect(ids).toEqual(activeIds);
    expect(urls[1]).toBe(`/users?after=${activeIds[39]}&limit=40&active=true`);
    expect(urls).toHaveLength(Math.ceil(activeIds.length / 40) + (activeIds.length % 40 === 0 ? 1 : 0));
  });

  it('sends no Link on a page shorter than its limit, and one when the last page is exactly full', async () => {
    const last = await fetch(`${server.base}/users?after=300&limit=50`);
    const exact = await fetch(`${server.base}/users?after=300&limit=45`);

    expect(((await last.json()) as unknown[]).length).toBe(45);
    expect(last.headers.get('link')).toBeNull();
    expect(exact.headers.get('link')).toBe('</users?after=345&limit=45>; rel="next"');
    const beyond = await fetch(`${server.base}/users?after=345&limit=45`);
    expect(await beyond.json()).toEqual([]);
    expect(beyond.headers.get('link')).toBeNull();
  });

  it('still pages by offset, for compatibility', async () => {
    const response = await fetch(`${server.base}/users?offset=340&limit=10`);

    expect(((await response.json()) as { id: number }[]).map((user) => user.id)).toEqual([341, 342, 343, 344, 345]);
  });

  it('adds no Link to a list that declares no paging', async () => {
    const response = await fetch(`${server.base}/accounts?limit=1`);

    expect(response.status).toBe(200);
    expect(response.headers.get('link')).toBeNull();
  });
});
