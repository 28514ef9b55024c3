/** A SQLite storage class, as sqlite-utils names column types. */
export type ColumnType = 'INTEGER' | 'REAL' | 'TEXT' | 'BLOB';

/** A value better-sqlite3 can bind. */
export type SqlValue = number | bigint | string | Buffer | Uint8Array | null;

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
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'number':
    case 'bigint':
    case 'string':
      return value;
    case 'boolean':
      return value ? 1 : 0;
    default:
      if (value instanceof Uint8Array) return value;
      if (value instanceof Date) return value.toISOString();
      return JSON.stringify(value);
  }
}
