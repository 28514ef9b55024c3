import { InvalidIdentifierError } from './errors.js';

/**
 * Quotes a table or column name for SQL. Any name is allowed (it is stored as given), but it is always
 * quoted, so a name that came from user input can never change the statement.
 */
export function quoteIdentifier(name: string): string {
  if (typeof name !== 'string' || name.length === 0 || name.includes('\0')) throw new InvalidIdentifierError(name);
  return `"${name.replaceAll('"', '""')}"`;
}

/** Quotes a value as a SQL literal, for the few places SQL cannot bind a parameter (column defaults). */
export function quoteLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`Cannot use ${value} as a SQL literal`);
    return String(value);
  }
  if (value instanceof Uint8Array) return `X'${Buffer.from(value).toString('hex')}'`;
  const text = value instanceof Date ? value.toISOString() : typeof value === 'string' ? value : JSON.stringify(value);
  return `'${text.replaceAll("'", "''")}'`;
}
