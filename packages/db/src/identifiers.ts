import { ValidationError } from '@slicewise/errors';

/**
 * Quotes a table or column name for SQL. Any name is allowed (it is stored as given), but it is always
 * quoted, so a name that came from user input can never change the statement.
 */
export function quoteIdentifier(name: string): string {
  if (typeof name !== 'string' || name.length === 0 || name.includes('\0')) {
    throw new ValidationError(`Invalid SQL identifier ${JSON.stringify(name)}`, [
      { path: [], message: 'an identifier is a non-empty string without NUL characters' },
    ]);
  }
  return `"${name.replaceAll('"', '""')}"`;
}
