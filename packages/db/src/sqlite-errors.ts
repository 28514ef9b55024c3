import { ConflictError, InternalError, TimeoutError, ValidationError } from '@slicewise/errors';
import BetterSqlite3 from 'better-sqlite3';

const conflictCodes = new Set([
  'SQLITE_CONSTRAINT_UNIQUE',
  'SQLITE_CONSTRAINT_PRIMARYKEY',
  'SQLITE_CONSTRAINT_FOREIGNKEY',
]);
const invalidDataCodes = new Set([
  'SQLITE_CONSTRAINT_NOTNULL',
  'SQLITE_CONSTRAINT_CHECK',
  'SQLITE_CONSTRAINT_DATATYPE',
  'SQLITE_MISMATCH',
]);

/**
 * Turns a SQLite failure into a Slicewise error that transports can map without knowing SQLite; the SQLite
 * error stays as `cause`. Only constraint violations on the caller's data are theirs (`CONFLICT`,
 * `VALIDATION`); anything else (`no such column` in a handler's SQL, a missing table, a syntax error) is
 * `INTERNAL`, with a message that carries neither SQL nor schema text: the SQLite message and the statement
 * are in `details` (and `cause`) for the logs. Anything that is not a SQLite error is returned as it is.
 */
export function fromSqliteError(error: unknown, sql: string): unknown {
  if (!(error instanceof BetterSqlite3.SqliteError)) return error;
  const { code, message } = error;
  if (conflictCodes.has(code)) {
    return new ConflictError(message.replace(/^UNIQUE constraint failed: /, 'Already exists: '), { cause: error });
  }
  if (invalidDataCodes.has(code)) {
    return new ValidationError(message, [{ path: [], message }], { cause: error });
  }
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED' || code.startsWith('SQLITE_BUSY_')) {
    return new TimeoutError(`The database stayed locked past the busy timeout: ${message}`, { cause: error });
  }
  return new InternalError(`A database statement failed (${code})`, {
    cause: error,
    details: { sqliteCode: code, sqliteMessage: message, sql },
  });
}
