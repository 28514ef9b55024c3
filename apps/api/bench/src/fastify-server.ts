/**
 * The baseline: the same routes written by hand with Fastify and better-sqlite3, the way a careful team would
 * (prepared statements, Fastify JSON schemas validating the query string and path). `POST /users` is in
 * `fastify-register.ts`.
 */
import Database from 'better-sqlite3';
import Fastify from 'fastify';
import { registerUserRoute } from './fastify-register.js';

const db = new Database(process.env.SLICEWISE_DB as string);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
const byId = db.prepare('SELECT id, name, email, active FROM users WHERE id = ?');
const page = db.prepare('SELECT id, name, email, active FROM users WHERE id > ? ORDER BY id LIMIT ?');
const pageWhere = db.prepare(
  'SELECT id, name, email, active FROM users WHERE active = ? AND id > ? ORDER BY id LIMIT ?',
);

interface Row {
  id: number;
  name: string;
  email: string;
  active: number;
}
const toDto = (row: Row) => ({ id: row.id, name: row.name, email: row.email, active: row.active === 1 });

const app = Fastify({ logger: { level: process.env.LOG_LEVEL ?? 'warn' } });

app.get<{ Querystring: { active?: boolean; limit: number; after: number } }>(
  '/users',
  {
    schema: {
      querystring: {
        type: 'object',
        properties: {
          active: { type: 'boolean' },
          limit: { type: 'integer', minimum: 1, maximum: 100, default: 50 },
          after: { type: 'integer', minimum: 0, default: 0 },
        },
      },
    },
  },
  async (request) => {
    const { active, limit, after } = request.query;
    const rows = (active === undefined ? page.all(after, limit) : pageWhere.all(active ? 1 : 0, after, limit)) as Row[];
    return rows.map(toDto);
  },
);

app.get<{ Params: { id: number } }>(
  '/users/:id',
  { schema: { params: { type: 'object', properties: { id: { type: 'integer', minimum: 1 } }, required: ['id'] } } },
  async (request, reply) => {
    const row = byId.get(request.params.id) as Row | undefined;
    if (!row) return reply.code(404).send({ message: 'not found' });
    return toDto(row);
  },
);

registerUserRoute(app, db, process.env.BENCH_TOKEN);

app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 0) }).then((address) => {
  process.stdout.write(`listening at ${address}\n`);
});
process.once('SIGTERM', () => app.close().then(() => process.exit(0)));
