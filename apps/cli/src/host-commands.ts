import { existsSync } from 'node:fs';
import { Database, Migrations } from '@slicewise/db';
import { CancelledError, declarationOf, ValidationError } from '@slicewise/mediator';
import type { RegisteredUser, UserRow } from '@slicewise/users';
import { type CliCommand, localAdmin } from './commands.js';
import { demoUsers } from './demo-users.js';
import { eventCommands } from './event-commands.js';
import { exitCodes } from './exit-codes.js';
import type { Field } from './fields.js';
import { formatCount, writeJson, writeTable } from './output.js';
import { ProgressReporter } from './progress.js';

function option(key: string, type: Field['type'], description: string, extra: Partial<Field> = {}): Field {
  return { key, flag: key, type, required: false, description, ...extra };
}

function positiveInteger(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new ValidationError(`--${name} must be a whole number of at least 1, got ${JSON.stringify(value)}`, [
      { path: [name], message: 'must be a whole number of at least 1' },
    ]);
  }
  return value;
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** `db migrate [--status]`: apply every composed slice's pending migrations, or list applied/pending. */
const dbMigrate: CliCommand = {
  words: ['db', 'migrate'],
  description: "Apply every slice's pending migrations (each in a transaction with its record); --status lists them",
  fields: {
    args: [],
    options: [option('status', 'boolean', 'list applied and pending migrations, change nothing')],
    typed: true,
  },
  source: 'host',
  kind: 'host',
  async run(input, context) {
    if (!input.status) {
      const { applied } = context.host();
      if (context.json) writeJson(context.stdout, { applied });
      else if (applied.length === 0) context.stdout.write('Up to date: no pending migrations.\n');
      else
        context.stdout.write(
          `Applied ${applied.length} migration(s):\n${applied.map((name) => `  ${name}\n`).join('')}`,
        );
      return 0;
    }
    // The database is opened read-only, and never created: a missing file has every migration pending.
    const { mediator } = await context.describeAll();
    const db = existsSync(context.database) ? new Database(context.database, { readonly: true }) : undefined;
    let rows: { slice: string; migration: string; status: string; appliedAt: string | null }[];
    try {
      rows = mediator.slices.flatMap((slice) => {
        const set = new Migrations(slice.name, slice.migrations ?? []);
        const statuses = db
          ? set.status(db)
          : (slice.migrations ?? []).map(({ name }) => ({ name, status: 'pending' }));
        return statuses.map((entry) => ({
          slice: slice.name,
          migration: entry.name,
          status: entry.status,
          appliedAt: ('appliedAt' in entry && entry.appliedAt) || null,
        }));
      });
    } finally {
      db?.close();
    }
    if (context.json) writeJson(context.stdout, rows);
    else {
      writeTable(
        context.stdout,
        rows.map((row) => ({
          ...row,
          status: row.status === 'applied' ? context.colors.green(row.status) : context.colors.yellow(row.status), // pending or edited
        })),
        context.colors,
        ['slice', 'migration', 'status', 'appliedAt'],
      );
      const pending = rows.filter((row) => row.status === 'pending').length;
      context.stdout.write(pending ? `${pending} pending: run slicewise db migrate\n` : 'Up to date.\n');
    }
    return 0;
  },
};

/** `db seed [--count N]`: idempotent demo users, in batches of 1,000, with progress for large N. */
const dbSeed: CliCommand = {
  words: ['db', 'seed'],
  description: 'Add N demo users (every 4th inactive); idempotent: the same N adds nothing twice',
  fields: { args: [], options: [option('count', 'integer', 'how many demo users', { default: 20 })], typed: true },
  source: 'host',
  kind: 'host',
  async run(input, context) {
    const count = positiveInteger('count', input.count, 20);
    // The users table belongs to the users model: compose it (whatever else is loaded) so the table exists,
    // and record each batch's UsersRegistered in the event log, in the batch's transaction, as import-users does.
    const { users, toUserDto, UsersRegistered } = await import('@slicewise/users');
    const { db, mediator } = context.host([users]);
    const insert = db.prepare('INSERT OR IGNORE INTO users (name, email, active) VALUES (?, ?, ?) RETURNING *');
    const progress = new ProgressReporter(context.stderr, context.errorColors, 'db seed', {
      unit: 'users',
      ...(context.progressIntervalMs !== undefined && { intervalMs: context.progressIntervalMs }),
    });
    const batch = 1000;
    let added = 0;
    let done = 0;
    const demo = demoUsers(count);
    try {
      while (done < count) {
        if (context.signal.aborted) throw new CancelledError();
        const size = Math.min(batch, count - done);
        // The rows and their UserRegistered events commit together, as register-user writes them.
        added += db.atomic(() => {
          const registered: RegisteredUser[] = [];
          for (let i = 0; i < size; i++) {
            const user = demo.next().value;
            const row = user && (insert.get(user.name, user.email, user.active) as UserRow | undefined);
            if (row) registered.push({ ...toUserDto(row), registeredAt: row.created_at });
          }
          if (registered.length > 0) void mediator.publish(new UsersRegistered(registered), { caller: localAdmin });
          return registered.length;
        });
        done += size;
        progress.update({ done, total: count });
        if (count > batch) await nextTurn(); // lets Ctrl-C in between batches
      }
    } catch (error) {
      progress.finish();
      if (!(error instanceof CancelledError)) throw error;
      context.stderr.write(
        `${context.errorColors.yellow('Cancelled')}: ${formatCount(done)} of ${formatCount(count)} demo users were ` +
          `written and kept (${formatCount(added)} new); nothing after them was written.\n`,
      );
      return exitCodes.CANCELLED;
    }
    progress.finish();
    if (context.json) writeJson(context.stdout, { added, requested: count });
    else context.stdout.write(`Seeded ${added} new demo users (${count - added} were already there)\n`);
    return 0;
  },
};

/** `slices`: what this CLI composes: slices, versions, and their requests with their command and route. */
const listSlices: CliCommand = {
  words: ['slices'],
  description: 'List the composed slices, their versions and the requests they handle',
  fields: { args: [], options: [], typed: true },
  source: 'host',
  kind: 'host',
  async run(_input, context) {
    const { mediator } = await context.describeAll();
    const messages = mediator.describe();
    const slices = mediator.slices.map((slice) => ({
      name: slice.name,
      version: slice.version ?? null,
      requires: (slice.requires ?? []).map((required) => required.name),
      migrations: (slice.migrations ?? []).map((migration) => migration.name),
      requests: messages
        .filter((message) => message.slices.includes(slice.name))
        .map((message) => {
          const declaration = declarationOf(message.message);
          return {
            name: message.name,
            kind: message.kind,
            command: declaration.cli ? `slicewise ${declaration.cli.command}` : null,
            route: declaration.http ? `${declaration.http.method} ${declaration.http.path}` : null,
            description: declaration.description ?? null,
            permissions: declaration.permissions ?? [],
          };
        }),
    }));
    if (context.json) {
      writeJson(context.stdout, slices);
      return 0;
    }
    writeTable(
      context.stdout,
      slices.map((slice) => ({
        slice: slice.name,
        version: slice.version,
        requests: slice.requests.length,
        migrations: slice.migrations.length,
      })),
      context.colors,
    );
    const requests = slices.flatMap((slice) =>
      slice.requests.map((request) => ({
        request: request.name,
        kind: request.kind,
        slice: slice.name,
        command: request.command ?? '',
        route: request.route ?? '',
      })),
    );
    context.stdout.write('\n');
    writeTable(context.stdout, requests, context.colors);
    return 0;
  },
};

/** The commands of the host itself, beside the slices' requests. */
export const hostCommands: readonly CliCommand[] = [dbMigrate, dbSeed, listSlices, ...eventCommands];
