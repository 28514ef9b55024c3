import { ConflictError, InternalError, TimeoutError, ValidationError } from '@slicewise/errors';
import BetterSqlite3 from 'better-sqlite3';
import { InvalidColumnsError } from './errors.js';

const conflictCodes = new Set([
  'SQLITE_CONSTRAINT_UNIQUE',
  'SQLITE_CONSTRAINT_PRIMARYKEY',
  'SQLITE_CONSTRAINT_FOREIGNKEY',
]);
const invalidDataCodes = new Set(['SQLITE_CONSTRAINT_NOTNULL', 'SQLITE_CONSTRAINT_CHECK', 'SQLITE_MISMATCH']);
const missingColumn = /(?:has no column named|no such column:) (.+)$/;

/**
 * Turns a SQLite failure into a Slicewise error that transports can map without knowing SQLite; the SQLite
 * error stays as `cause`. Anything that is not a SQLite error is returned as it is.
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
  const column = missingColumn.exec(message)?.[1];
  if (column !== undefined) return new InvalidColumnsError(message, [column], { cause: error });
  return new InternalError(`SQLite error ${code}: ${message}, in: ${sql}`, { cause: error });
}
