import { GetActiveUsers, getActiveUsers } from '@slicewise/get-active-users';
import { createHost, type Host } from '@slicewise/host';
import { ValidationError } from '@slicewise/mediator';
import { demoUsers } from './demo-users.js';
import { UsageError } from './exit-codes.js';
import { printJson, printTable } from './output.js';

/** What every command receives from the parsed command line. */
export interface CommandInput {
  readonly database: string;
  readonly json: boolean;
  readonly options: Readonly<Record<string, string | boolean | undefined>>;
}

/** One command of the CLI. */
export interface Command {
  readonly path: readonly string[];
  readonly usage: string;
  readonly description: string;
  run(input: CommandInput): Promise<void>;
}

const slices = [getActiveUsers];

async function withHost<T>(database: string, fn: (host: Host) => Promise<T>): Promise<T> {
  const host = createHost({ slices, database });
  try {
    return await fn(host);
  } finally {
    host.close();
  }
}

function positiveInteger(name: string, value: string | boolean | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (typeof value !== 'string' || !/^\d+$/.test(value) || !Number.isSafeInteger(number) || number < 1) {
    throw new ValidationError(`--${name} must be a whole number of at least 1, got ${JSON.stringify(value)}`, [
      { path: [name], message: 'must be a whole number of at least 1' },
    ]);
  }
  return number;
}

/** Every command, in help order. */
export const commands: readonly Command[] = [
  {
    path: ['users', 'list'],
    usage: 'users list --active [--json]',
    description: 'List the active users',
    async run({ database, json, options }) {
      if (!options.active) {
        throw new UsageError('users list needs --active: listing every user is not available yet');
      }
      const users = await withHost(database, (host) => host.mediator.send(new GetActiveUsers()));
      if (json) printJson(users);
      else printTable(users as unknown as Record<string, unknown>[], ['id', 'name', 'email', 'active']);
    },
  },
  {
    path: ['db', 'seed'],
    usage: 'db seed [--count N] [--json]',
    description: 'Add N demo users (default 20, every 4th inactive); idempotent',
    async run({ database, json, options }) {
      const count = positiveInteger('count', options.count, 20);
      const added = await withHost(database, async (host) => {
        const insert = host.db.prepare('INSERT OR IGNORE INTO users (name, email, active) VALUES (?, ?, ?)');
        return host.db.atomic(() => {
          let changes = 0;
          for (const user of demoUsers(count)) changes += insert.run(user.name, user.email, user.active).changes;
          return changes;
        });
      });
      if (json) printJson({ added, requested: count });
      else process.stdout.write(`Seeded ${added} new demo users (${count - added} were already there)\n`);
    },
  },
];
