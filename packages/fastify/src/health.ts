import { appliedMigrations } from '@slicewise/db';
import type { Host } from '@slicewise/host';
import type { FastifyInstance } from 'fastify';
import { problemContentType, transportProblem } from './problem.js';

/** Why the host cannot serve yet (database unreachable, a migration not recorded), or undefined when ready. */
export function unreadiness(host: Host): string | undefined {
  try {
    host.db.query('SELECT 1').first(); // query() is lazy: first() really runs it
  } catch {
    return 'The database is not reachable';
  }
  const expected = host.mediator.slices.flatMap((slice) =>
    (slice.migrations ?? []).map((migration) => `${slice.name}/${migration.name}`),
  );
  if (expected.length === 0) return undefined;
  try {
    const recorded = new Set(appliedMigrations(host.db).map((row) => `${row.set}/${row.name}`));
    const missing = expected.filter((name) => !recorded.has(name));
    return missing.length === 0 ? undefined : `Migrations not applied: ${missing.join(', ')}`;
  } catch {
    return 'The migrations ledger cannot be read';
  }
}

/** `/healthz` (the process answers) and `/readyz` (the database and every migration are there; the event log's lag). */
export function mountHealth(app: FastifyInstance, host: Host): void {
  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true } }, async (request, reply) => {
    const reason = unreadiness(host);
    if (reason === undefined) {
      // The event log's subscriptions: a backlog is reported, never a reason to be unready (they catch up).
      const subscriptions = host.events
        .status()
        .map(({ name, position, lag, parked }) => ({ name, position, lag, parked }));
      return { status: 'ready', events: { position: host.events.position, subscriptions } };
    }
    request.log.warn({ reason }, 'not ready');
    return reply
      .status(503)
      .type(problemContentType)
      .send(transportProblem(503, reason, request.url, request.id));
  });
}
