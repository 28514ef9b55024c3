import { InvalidColumnsError } from './errors.js';

/** A SQLite column type, as sqlite-utils names them. */
export type ColumnType = 'INTEGER' | 'REAL' | 'TEXT' | 'BLOB' | 'NUMERIC';

/** A value better-sqlite3 can bind. */
export type SqlValue = number | bigint | string | Buffer | Uint8Array | null;

const columnTypes = new Set<string>(['INTEGER', 'REAL', 'TEXT', 'BLOB', 'NUMERIC']);
const aliases: Record<string, ColumnType> = { INT: 'INTEGER', FLOAT: 'REAL', STR: 'TEXT', BYTES: 'BLOB' };

/** Checks a column type given by a caller (case-insensitive, `int`/`float`/`str`/`bytes` allowed) and names it. */
export function normalizeColumnType(type: string, column: string): ColumnType {
  const upper = typeof type === 'string' ? type.toUpperCase() : '';
  const normal = aliases[upper] ?? upper;
  if (!columnTypes.has(normal)) {
    throw new InvalidColumnsError(`Unknown column type ${JSON.stringify(type)} for column ${column}`, [column]);
  }
  return normal as ColumnType;
}

/** The column type a JavaScript value is stored as, or undefined for null (which says nothing). */
export function columnTypeOf(value: unknown): ColumnType | undefined {
  if (value === null || value === undefined) return undefined;
  switch (typeof value) {
    case 'number':
      return Number.isInteger(value) ? 'INTEGER' : 'REAL';
    case 'bigint':
    case 'boolean':
      return 'INTEGER';
    case 'string':
      return 'TEXT';
    default:
      return value instanceof Uint8Array ? 'BLOB' : 'TEXT';
  }
}

/** The widest type that holds both, as sqlite-utils decides for a mixed column: integer and real make real, else text. */
export function widenColumnType(a: ColumnType | undefined, b: ColumnType | undefined): ColumnType | undefined {
  if (a === undefined || a === b) return b;
  if (b === undefined) return a;
  if ((a === 'INTEGER' && b === 'REAL') || (a === 'REAL' && b === 'INTEGER')) return 'REAL';
  return 'TEXT';
}

/** Converts a JavaScript value to what SQLite stores: booleans as 0/1, dates as ISO text, objects as JSON. */
export function toSqlValue(value: unknown): SqlValue {
  switch (typeof value) {
    case 'number':
    case 'string':
    case 'bigint':
      return value;
    case 'boolean':
      return value ? 1 : 0;
    case 'undefined':
      return null;
    default:
      if (value === null || value instanceof Uint8Array) return value as SqlValue;
      if (value instanceof Date) return value.toISOString();
      return JSON.stringify(value);
  }
}
