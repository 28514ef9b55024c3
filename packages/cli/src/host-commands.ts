import { existsSync } from 'node:fs';
import { Database, Migrations } from '@slicewise/db';
import { declarationOf } from '@slicewise/mediator';
import type { CliCommand } from './command-list.js';
import { eventCommands } from './event-commands.js';
import type { Field } from './fields.js';
import { cliMetaOf } from './meta.js';
import { writeJson, writeTable } from './output.js';

/** `GET /users` when another adapter's `meta.http` says so (shown by `slices`; never interpreted). */
function routeOf(http: unknown): string | null {
  const { method, path } = (typeof http === 'object' && http !== null ? http : {}) as Record<string, unknown>;
  return typeof method === 'string' && typeof path === 'string' ? `${method} ${path}` : null;
}

function option(key: string, type: Field['type'], description: string, extra: Partial<Field> = {}): Field {
  return { key, flag: key, type, required: false, description, ...extra };
}

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
      context.stdout.write(pending ? `${pending} pending: run ${context.cli} db migrate\n` : 'Up to date.\n');
    }
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
          const cli = cliMetaOf(message.message, slice.name);
          return {
            name: message.name,
            kind: message.kind,
            command: cli ? `${context.cli} ${cli.command}` : null,
            route: routeOf(declaration.meta?.http),
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
export const hostCommands: readonly CliCommand[] = [dbMigrate, listSlices, ...eventCommands];
