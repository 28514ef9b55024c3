import { ValidationError } from '@slicewise/errors';
import type BetterSqlite3 from 'better-sqlite3';
import { InvalidColumnsError } from './errors.js';
import { hashRecord } from './hash-id.js';
import { quoteIdentifier } from './identifiers.js';
import { fromSqliteError } from './sqlite-errors.js';
import type { Table } from './table.js';
import { addMissingColumns, type CreateOptions, columnNameSet, create } from './table-schema.js';
import { needsRowByRow, onConflictSql, sameColumns, upsertPk, upsertRowByRow } from './upsert.js';
import { type ColumnType, columnTypeOf, hasNumericAffinity, toSqlValue, widenColumnType } from './values.js';

/** Options of {@link Table.insertAll}; those about creating the table apply only when it does not exist. */
export interface InsertOptions<TRow> extends Pick<CreateOptions, 'foreignKeys' | 'strict'> {
  /** Primary key column(s) of a table the insert creates. Default: SQLite's rowid. */
  pk?: (keyof TRow & string) | readonly (keyof TRow & string)[] | (string & {});
  /** Column types that override the inferred ones. */
  columnTypes?: Partial<Record<keyof TRow & string, ColumnType>> & Record<string, ColumnType>;
  /** Columns declared `NOT NULL`. */
  notNull?: readonly (keyof TRow & string)[];
  /** Column defaults. */
  defaults?: Partial<Record<keyof TRow & string, unknown>>;
  /** Add the columns the rows have and the table lacks (else they are an `InvalidColumnsError`). */
  alter?: boolean;
  /** Skip rows whose primary key or unique key exists already (`INSERT OR IGNORE`). */
  ignore?: boolean;
  /** Replace rows whose primary key or unique key exists already (`INSERT OR REPLACE`). */
  replace?: boolean;
  /** Rows per transaction. Default 1000; each statement binds at most SQLite's variable limit. */
  batchSize?: number;
  /**
   * Name of a primary key column (TEXT, first) filled with the SHA-1 of each row's values, as sqlite-utils'
   * `hash_id` computes it; the same row always gets the same id. Excludes `pk`.
   */
  hashId?: string;
  /** Hash only these columns (implies `hashId: 'id'` when `hashId` is not given). */
  hashIdColumns?: readonly (keyof TRow & string)[];
  /** SQL expressions that wrap a column's bound value, e.g. `{ name: 'upper(?)' }` (SQL you write, never input). */
  conversions?: Partial<Record<keyof TRow & string, string>> & Record<string, string>;
}

/** Options of {@link Table.upsert}. */
export type UpsertOptions<TRow> = Omit<InsertOptions<TRow>, 'ignore' | 'replace'>;

/** A row as the write functions see it. */
export type Row = Record<string, unknown>;
type AnyInsertOptions = InsertOptions<Row> & { upsert?: boolean };
interface Shape {
  key: string;
  statements: Map<number, BetterSqlite3.Statement>;
  /** Upsert one row at a time (see `needsRowByRow`). */
  rowByRow: boolean;
  /** Per column of the shape: SQLite stores a whole double as an integer there, so a number binds as it is. */
  numeric: boolean[];
}

/** Inserts (or upserts) rows one batch at a time: the iterable is never held in memory as a whole. */
export function insertAll<T extends Table<object>>(
  table: T,
  rows: Iterable<object>,
  givenOptions: AnyInsertOptions,
): T {
  const { options, rows: hashed } = withHashId(rows, givenOptions);
  rows = hashed;
  if (options.ignore && options.replace) throw new ValidationError('ignore and replace exclude each other', []);
  const batchSize = Math.max(1, Math.trunc(options.batchSize ?? 1000));
  const state = {
    existing: undefined as Set<string> | undefined,
    shape: undefined as Shape | undefined,
  };
  const batch: Row[] = [];
  for (const row of rows) {
    if (typeof row !== 'object' || row === null) throw new ValidationError('A row must be an object', []);
    batch.push(row as Row);
    if (batch.length === batchSize) {
      writeBatch(table, batch, options, state);
      batch.length = 0;
    }
  }
  if (batch.length > 0) writeBatch(table, batch, options, state);
  return table;
}

function writeBatch(
  table: Table<object>,
  batch: Row[],
  options: AnyInsertOptions,
  state: {
    existing: Set<string> | undefined;
    shape: Shape | undefined;
  },
): void {
  const columns = columnsOfBatch(batch);
  const db = table.db;
  db.atomic(() => {
    if (state.existing === undefined) {
      if (!table.exists()) createFromRows(table, batch, columns, options);
      state.existing = columnNameSet(table);
    }
    const missing = columns.filter((column) => !(state.existing as Set<string>).has(column.toLowerCase()));
    if (missing.length > 0) {
      if (!options.alter)
        throw new InvalidColumnsError(`Table ${table.name} has no columns ${missing.join(', ')}`, missing);
      addMissingColumns(table, batch, state.existing);
    }
    const key = columns.join('\0');
    if (state.shape?.key !== key) {
      state.shape = {
        key,
        statements: new Map(),
        rowByRow: !!options.upsert && needsRowByRow(table, columns),
        numeric: numericColumns(table, columns),
      };
    }
    if (options.upsert && !state.shape.rowByRow && !sameColumns(batch, columns)) {
      state.shape = { key: '', statements: new Map(), rowByRow: true, numeric: [] };
    }
    const shape = state.shape;
    const width = columns.length;
    let result: BetterSqlite3.RunResult | undefined;
    if (shape.rowByRow) {
      try {
        result = upsertRowByRow(table, batch, upsertPk(table, options.pk), options.conversions ?? {});
      } catch (error) {
        throw fromSqliteError(error, `upsert into ${table.name}`);
      }
    }
    const perStatement = Math.max(1, Math.min(batch.length, Math.floor(db.variableLimit / Math.max(1, width))));
    for (let start = shape.rowByRow ? batch.length : 0; start < batch.length; start += perStatement) {
      const count = Math.min(perStatement, batch.length - start);
      let statement = shape.statements.get(count);
      if (statement === undefined) {
        statement = db.prepare(insertSql(table, columns, count, options));
        shape.statements.set(count, statement);
      }
      const values = new Array(count * width);
      let v = 0;
      for (let r = start; r < start + count; r++) {
        const row = batch[r] as Row;
        for (let c = 0; c < width; c++) {
          const value = row[columns[c] as string];
          values[v++] = typeof value === 'number' && shape.numeric[c] ? value : toSqlValue(value);
        }
      }
      try {
        result = statement.run(values);
      } catch (error) {
        throw fromSqliteError(error, statement.source);
      }
    }
    table.lastRowid = result?.lastInsertRowid;
    table.lastPk = pkOf(table, batch[batch.length - 1] as Row, options.pk, table.lastRowid);
  });
}

/** With `hashId`: the rows with their hash first (unless a row gives that column), and the hash column as pk. */
function withHashId(
  rows: Iterable<object>,
  options: AnyInsertOptions,
): { rows: Iterable<object>; options: AnyInsertOptions } {
  if (options.hashId === undefined && options.hashIdColumns === undefined) return { rows, options };
  if (options.pk !== undefined) throw new ValidationError('Use either pk or hashId', []);
  const hashId = options.hashId ?? 'id';
  const columns = options.hashIdColumns;
  function* hashed() {
    for (const row of rows) {
      if (typeof row !== 'object' || row === null) throw new ValidationError('A row must be an object', []);
      yield { [hashId]: hashRecord(row as Row, columns), ...row };
    }
  }
  return { rows: hashed(), options: { ...options, pk: hashId } };
}

/**
 * Which of these columns have numeric affinity: there SQLite stores whole doubles as integers itself, so
 * numbers skip the bigint conversion `toSqlValue` needs for TEXT, BLOB and untyped columns, and `insertAll`
 * stays as fast as a hand-written loop.
 */
function numericColumns(table: Table<object>, columns: readonly string[]): boolean[] {
  const types = new Map(table.columns.map((column) => [column.name.toLowerCase(), column.type]));
  return columns.map((column) => hasNumericAffinity(types.get(column.toLowerCase()) ?? ''));
}

function columnsOfBatch(batch: readonly Row[]): string[] {
  const columns = Object.keys(batch[0] as Row);
  const seen = new Set(columns);
  for (let i = 1; i < batch.length; i++) {
    for (const key in batch[i]) {
      if (!seen.has(key)) {
        seen.add(key);
        columns.push(key);
      }
    }
  }
  if (columns.length === 0) throw new InvalidColumnsError('A row needs at least one column', []);
  return columns;
}

function createFromRows(
  table: Table<object>,
  batch: readonly Row[],
  columns: readonly string[],
  options: InsertOptions<Row>,
): void {
  const pk = options.pk === undefined ? [] : typeof options.pk === 'string' ? [options.pk] : [...options.pk];
  const types: Record<string, ColumnType | string> = {};
  for (const column of pk) if (!columns.includes(column)) types[column] = pk.length === 1 ? 'INTEGER' : 'TEXT';
  for (const column of columns) {
    let type: ColumnType | undefined;
    for (const row of batch) type = widenColumnType(type, columnTypeOf(row[column]));
    types[column] = options.columnTypes?.[column] ?? type ?? 'TEXT';
  }
  for (const [column, type] of Object.entries(options.columnTypes ?? {})) {
    if (!(column in types) && type !== undefined) types[column] = type;
  }
  create(table, types, {
    pk,
    ...(options.notNull ? { notNull: options.notNull } : {}),
    ...(options.defaults ? { defaults: options.defaults } : {}),
    ...(options.foreignKeys ? { foreignKeys: options.foreignKeys } : {}),
    ...(options.strict ? { strict: options.strict } : {}),
  });
}

function insertSql(table: Table<object>, columns: readonly string[], rows: number, options: AnyInsertOptions): string {
  const verb = options.ignore ? 'INSERT OR IGNORE' : options.replace ? 'INSERT OR REPLACE' : 'INSERT';
  const tuple = `(${columns.map((column) => options.conversions?.[column] ?? '?').join(', ')})`;
  let sql = `${verb} INTO ${table.quoted} (${columns.map(quoteIdentifier).join(', ')}) VALUES ${Array(rows).fill(tuple).join(', ')}`;
  if (options.upsert) sql += onConflictSql(columns, upsertPk(table, options.pk));
  return sql;
}

function pkOf(
  table: Table<object>,
  row: Row,
  pkOption: InsertOptions<Row>['pk'],
  rowid: number | bigint | undefined,
): unknown {
  const pk = pkOption === undefined ? table.pks : typeof pkOption === 'string' ? [pkOption] : [...pkOption];
  if (pk.length === 1) {
    const value = row[pk[0] as string];
    return value === undefined || value === null ? rowid : lastPkValue(value);
  }
  return pk.map((column) => lastPkValue(row[column]));
}

/** A primary key value as `lastPk` reports it: as stored, but integers as numbers (bigint only past 2^53). */
function lastPkValue(value: unknown): unknown {
  const stored = toSqlValue(value);
  return typeof stored === 'bigint' && typeof value === 'number' ? value : stored;
}
