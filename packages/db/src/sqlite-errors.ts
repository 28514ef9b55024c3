import { ConflictError, InternalError, SlicewiseError } from '@slicewise/errors';
import BetterSqlite3 from 'better-sqlite3';

const conflictCodes = new Set(['SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_CONSTRAINT_PRIMARYKEY']);

/** Turns a SQLite failure into a Slicewise error that transports can map without knowing SQLite. */
export function fromSqliteError(error: unknown, sql: string): SlicewiseError | unknown {
  if (!(error instanceof BetterSqlite3.SqliteError)) return error;
  if (conflictCodes.has(error.code)) {
    return new ConflictError(error.message.replace(/^UNIQUE constraint failed: /, 'Already exists: '), {
      cause: error,
    });
  }
  return new InternalError(`SQLite error ${error.code} in: ${sql}`, { cause: error });
}
