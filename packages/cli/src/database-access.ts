import { accessSync, constants, existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { Database, type DatabaseOptions, Migrations } from '@slicewise/db';
import { createHost, type Host } from '@slicewise/host';
import { ForbiddenError, type Slice, SlicewiseError } from '@slicewise/mediator';
import { withRequired } from './manifest.js';
import { escapeControl } from './output.js';

/** How a command uses the database: a query only reads it; anything else may write. */
export type DatabaseAccess = 'read' | 'write';

const reasonOf = (error: unknown) => (error as NodeJS.ErrnoException).code ?? (error as Error).message;

/**
 * Makes sure the database's folder exists, creating the missing ones one level at a time (Node's recursive
 * `mkdirSync` loops forever on `/proc/x/y.db`). A path that cannot hold a database is a `VALIDATION` error
 * naming the folder and why; it never hangs.
 */
export function prepareDatabaseFolder(file: string): void {
  if (file === ':memory:') return;
  const shown = escapeControl(file);
  const missing: string[] = [];
  let folder = dirname(file);
  while (!existsSync(folder)) {
    missing.unshift(folder);
    const parent = dirname(folder);
    if (parent === folder) break;
    folder = parent;
  }
  if (existsSync(folder) && !statSync(folder).isDirectory()) {
    throw new SlicewiseError(
      'VALIDATION',
      `Cannot use the database ${shown}: ${escapeControl(folder)} is not a folder`,
    );
  }
  const existing = existsSync(file) ? statSync(file) : undefined;
  if (existing && !existing.isFile()) {
    const what = existing.isDirectory() ? 'a folder' : 'a device, pipe or socket';
    throw new SlicewiseError('VALIDATION', `Cannot use the database ${shown}: it is ${what}, not a file`);
  }
  for (const create of missing) {
    try {
      mkdirSync(create);
    } catch (error) {
      throw new SlicewiseError(
        'VALIDATION',
        `Cannot create the folder ${escapeControl(create)} for the database ${shown} (${reasonOf(error)})`,
        { cause: error },
      );
    }
  }
}

/** Whether this process may write the file and create its journal beside it. */
function writable(file: string): boolean {
  try {
    accessSync(file, constants.W_OK);
    accessSync(dirname(file), constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** The migrations of `slices` that `db` has not applied, as `slice/migration`. */
export function pendingMigrations(db: Database, slices: readonly Slice[]): string[] {
  return withRequired(slices).flatMap((slice) =>
    new Migrations(slice.name, slice.migrations ?? []).pending(db).map((name) => `${slice.name}/${name}`),
  );
}

/**
 * Opens an existing file read-only. SQLite cannot read a WAL database whose `-shm` file is missing when the
 * folder is read-only for this user (it would have to create the file): that is a `FORBIDDEN` error saying so.
 */
function openReadOnly(file: string, options: DatabaseOptions | undefined): Database {
  let db: Database | undefined;
  try {
    db = new Database(file, { ...options, readonly: true });
    db.raw.prepare('SELECT count(*) FROM sqlite_master').get();
    return db;
  } catch (error) {
    db?.close();
    const code = String((error as { code?: unknown }).code ?? '');
    if (!code.startsWith('SQLITE_READONLY') && !code.startsWith('SQLITE_CANTOPEN')) throw error;
    const shown = escapeControl(file);
    throw new ForbiddenError(
      `Cannot read the database ${shown}: it uses write-ahead logging and its folder is read-only for this ` +
        `user, so SQLite cannot create ${shown}-shm. Give this user write access to the folder, or have its ` +
        'owner switch the file to journal_mode=DELETE',
      { cause: error },
    );
  }
}

/**
 * A CLI process runs one command and exits: it does not drive subscriptions in the background (a command's effect
 * is then exactly what it did). Queries answered from a read model catch up themselves (`users stats`), and
 * `slicewise events catch-up` drives every subscription on request; other events wait in the log.
 */
const cliEvents = { drive: false } as const;

/** What {@link openHost} takes. */
export interface OpenHostOptions {
  readonly slices: readonly Slice[];
  readonly file: string;
  readonly access: DatabaseAccess;
  readonly databaseOptions?: DatabaseOptions;
  /** The executable's name, for the hint to migrate (`runCli`'s `name`). */
  readonly cli: string;
}

/**
 * Opens a host on the database file for a command. A read (a query) on an existing file this user cannot write
 * opens it read-only and runs no migration, so it can still be listed (a read model answers without catching up
 * its subscription); when migrations are pending it fails (`FORBIDDEN`) naming them and `<cli> db migrate`.
 * A write on an existing file this user cannot write fails (`FORBIDDEN`) before anything runs.
 */
export function openHost({ slices, file, access, databaseOptions, cli }: OpenHostOptions): Host {
  prepareDatabaseFolder(file);
  const shown = escapeControl(file);
  if (file !== ':memory:' && existsSync(file)) {
    // A query on a file this user can write opens it as usual: it may catch up a read model's subscription.
    if (access === 'read' && !writable(file)) {
      const db = openReadOnly(file, databaseOptions);
      let pending: string[];
      try {
        pending = pendingMigrations(db, slices);
        if (pending.length === 0) {
          const host = createHost({ slices, database: db, events: cliEvents });
          return { ...host, close: () => db.close() };
        }
      } catch (error) {
        db.close();
        throw error;
      }
      db.close();
      throw new ForbiddenError(
        `The database ${shown} is read-only for this user and has ${pending.length} pending migration(s): ` +
          `${pending.join(', ')}. Apply them as a user who can write it: ${cli} db migrate --db ${shown}`,
        { details: { pending } },
      );
    }
    if (access === 'write' && !writable(file)) {
      throw new ForbiddenError(
        `The database ${shown} is read-only for this user: this command writes, so it needs write access to the ` +
          'file and its folder (read commands such as users list work as they are)',
      );
    }
  }
  try {
    return createHost({ slices, database: file, events: cliEvents, ...(databaseOptions && { databaseOptions }) });
  } catch (error) {
    // A name too long, a special file, a file that is not a database: SQLite's own words, with the path, as the
    // caller's mistake.
    const code = String((error as { code?: unknown }).code ?? '');
    if (!code.startsWith('SQLITE_CANTOPEN') && code !== 'SQLITE_NOTADB') throw error;
    throw new SlicewiseError('VALIDATION', `Cannot open the database ${shown}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}
