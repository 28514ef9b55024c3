import type { FastifyRequest } from 'fastify';

/** The query parameters the next page replaces: the cursor, the page size, and `offset` (already skipped). */
const replaced = new Set(['after', 'limit', 'offset']);

/**
 * The RFC 8288 `Link` header of the next page of a cursor-paged list, or undefined when this page is not full
 * (fewer items than the effective limit: the query's `limit`, else `defaultLimit`) or its last item has no usable
 * cursor field. The next page is the same path and query with `after=<last item's field>` and `limit=<n>`, and
 * without `offset`.
 *
 * @example
 * nextPageLink(request, users, 'id', 50) // '</users?after=50&limit=50&active=true>; rel="next"'
 */
export function nextPageLink(
  request: FastifyRequest,
  items: readonly unknown[],
  field: string,
  defaultLimit: number | undefined,
): string | undefined {
  const asked = (request.query as Record<string, unknown>).limit;
  const limit = asked === undefined ? defaultLimit : Number(asked);
  if (limit === undefined || !Number.isSafeInteger(limit) || limit < 1 || items.length < limit) return undefined;
  const cursor = (items[items.length - 1] as Record<string, unknown> | null)?.[field];
  if (typeof cursor !== 'number' && typeof cursor !== 'string') return undefined;
  const [path = '/', search = ''] = request.url.split('?', 2) as [string, string?];
  const next = new URLSearchParams({ after: String(cursor), limit: String(limit) });
  for (const [name, value] of new URLSearchParams(search)) if (!replaced.has(name)) next.append(name, value);
  return `<${path.replace(/[<>"\s]/g, encodeURIComponent)}?${next}>; rel="next"`;
}
