/**
 * The hand-written `POST /users`: what Slicewise's `RegisterUser` plus the user-stats read model do, written
 * directly. A bearer token compared in constant time, the same validation rules (`newUserSchema`), then one
 * transaction: INSERT ... RETURNING and both stats tables updated. Answers 201 with the user, 409 for a taken
 * email, 400 for invalid input, 401 without the token.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { newUserSchema } from '@slicewise/users';
import type Database from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';

interface Row {
  id: number;
  name: string;
  email: string;
  active: number;
  created_at: string;
}

const digest = (text: string) => createHash('sha256').update(text).digest();

/** Mounts `POST /users` on `app`, writing to `db`; every request is refused when no token is configured. */
export function registerUserRoute(app: FastifyInstance, db: Database.Database, token: string | undefined): void {
  const expected = token ? digest(`Bearer ${token}`) : undefined;
  const insert = db.prepare(
    'INSERT INTO users (name, email) VALUES (?, ?) RETURNING id, name, email, active, created_at',
  );
  const countTotal = db.prepare(
    `INSERT INTO user_stats_totals (id, total, active) VALUES (1, 1, ?)
     ON CONFLICT (id) DO UPDATE SET total = total + 1, active = active + excluded.active`,
  );
  const countDay = db.prepare(
    `INSERT INTO user_stats_days (day, registered) VALUES (?, 1)
     ON CONFLICT (day) DO UPDATE SET registered = registered + 1`,
  );
  const register = db.transaction((name: string, email: string) => {
    const row = insert.get(name, email) as Row;
    countTotal.run(row.active);
    countDay.run(row.created_at.slice(0, 10));
    return row;
  });

  app.post('/users', async (request, reply) => {
    const header = request.headers.authorization;
    if (!expected || !header || !timingSafeEqual(digest(header), expected)) {
      return reply.code(401).send({ message: 'unauthorized' });
    }
    const parsed = newUserSchema.safeParse(request.body);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
      return reply.code(400).send({ message: 'invalid user', issues });
    }
    try {
      const row = register(parsed.data.name, parsed.data.email);
      return reply.code(201).send({ id: row.id, name: row.name, email: row.email, active: row.active === 1 });
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') {
        return reply.code(409).send({ message: `A user with email ${parsed.data.email} is already registered` });
      }
      throw error;
    }
  });
}
