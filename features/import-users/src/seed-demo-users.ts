import { Database } from '@slicewise/db';
import { abortedError, defineStream, type HandlerContext, type StreamHandler } from '@slicewise/mediator';
import { type RegisteredUser, toUserDto, type UserRow, UsersRegistered } from '@slicewise/users';
import { Service } from 'typedi';
import { z } from 'zod';

const wholeNumber = { error: 'must be a whole number of at least 1' };
/** Demo users written per transaction. */
const seedBatchSize = 1000;

const input = z.object({
  /** How many demo users (the first N of a fixed list): the same N twice adds nothing the second time. */
  count: z.coerce
    .number(wholeNumber)
    .int(wholeNumber)
    .min(1, wholeNumber)
    .max(10_000_000)
    .default(20)
    .describe('how many demo users'),
});

const output = z.object({
  /** Demo users written or found so far. */
  done: z.number().int(),
  /** The count asked for. */
  total: z.number().int(),
  /** Users that were new (the others were already there). */
  added: z.number().int(),
});

/** Where a seeding stands, yielded after each committed batch. */
export type SeedProgress = z.infer<typeof output>;

/**
 * Adds the first `count` demo users (every fourth inactive), idempotently, in batches of 1,000: each batch and its
 * `UsersRegistered` event commit together, as the import does. Cancelling keeps the committed batches.
 */
export class SeedDemoUsers extends defineStream({
  input,
  output,
  description: 'Add N demo users (every 4th inactive); idempotent: the same N adds nothing twice',
  permissions: ['users:write'],
  meta: { cli: { command: 'db seed' } },
}) {}

const firstNames = ['Ada', 'Alan', 'Grace', 'Edsger', 'Barbara', 'Donald', 'Frances', 'Ken', 'Radia', 'Linus'];
const lastNames = ['Lovelace', 'Turing', 'Hopper', 'Dijkstra', 'Liskov', 'Knuth', 'Allen', 'Thompson', 'Perlman'];

/** The demo user number `index` (from 0): always the same one. */
export function demoUser(index: number): { name: string; email: string; active: number } {
  const first = firstNames[index % firstNames.length] as string;
  const last = lastNames[(index + Math.floor(index / firstNames.length)) % lastNames.length] as string;
  return {
    name: `${first} ${last}`,
    email: `${first}.${last}.${index + 1}@example.com`.toLowerCase(),
    active: index % 4 === 3 ? 0 : 1,
  };
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Writes the demo users batch by batch into the users model's table. */
@Service()
export class SeedDemoUsersHandler implements StreamHandler<SeedDemoUsers> {
  constructor(private readonly db: Database) {}

  async *handle(_request: SeedDemoUsers, context: HandlerContext<SeedDemoUsers>): AsyncIterable<SeedProgress> {
    const { count } = context.input;
    const insert = this.db.prepare(
      'INSERT INTO users (name, email, active) VALUES (?, ?, ?) ON CONFLICT (email) DO NOTHING RETURNING *',
    );
    const progress: SeedProgress = { done: 0, total: count, added: 0 };
    while (progress.done < count) {
      if (context.signal.aborted) {
        throw abortedError(
          context.signal,
          `Seeding stopped after ${progress.done} demo users; committed batches are kept`,
          {
            details: { ...progress },
          },
        );
      }
      const from = progress.done;
      const size = Math.min(seedBatchSize, count - from);
      progress.added += this.db.atomic(() => {
        const registered: RegisteredUser[] = [];
        for (let i = from; i < from + size; i++) {
          const user = demoUser(i);
          const row = insert.get(user.name, user.email, user.active) as UserRow | undefined;
          if (row) registered.push({ ...toUserDto(row), registeredAt: row.created_at });
        }
        // One event for the batch, appended in its transaction: the rows and the event commit together.
        if (registered.length > 0) void context.publish(new UsersRegistered(registered));
        return registered.length;
      });
      progress.done += size;
      yield { ...progress };
      if (progress.done < count) await nextTurn(); // lets Ctrl-C in between batches
    }
  }
}
