import type { Database } from './database.js';

/** One column of a table, as `PRAGMA table_info` describes it. */
export interface Column {
  /** Position in the table, from 0. */
  readonly cid: number;
  readonly name: string;
  /** Declared type, e.g. `INTEGER`; empty for an untyped column. */
  readonly type: string;
  readonly notNull: boolean;
  /** The default as SQL text (`'x'`, `0`, `CURRENT_TIMESTAMP`), or null. */
  readonly defaultValue: string | null;
  /** 1-based position in the primary key, 0 when not part of it. */
  readonly pk: number;
}

/** One index of a table. */
export interface Index {
  readonly name: string;
  /** Indexed columns in index order; `null` for an expression. */
  readonly columns: readonly (string | null)[];
  readonly unique: boolean;
  /** `c` for CREATE INDEX, `u` for a UNIQUE constraint, `pk` for the primary key. */
  readonly origin: 'c' | 'u' | 'pk';
  /** Whether the index has a WHERE clause. */
  readonly partial: boolean;
}

/** A foreign key: `column` of this table references `otherColumn` of `otherTable`. */
export interface ForeignKey {
  readonly column: string;
  readonly otherTable: string;
  readonly otherColumn: string;
}

interface TableInfoRow {
  cid: number;
  name: string;
  type: string;
  notnull: number;
  dflt_value: string | null;
  pk: number;
}

/** The columns of a table, in order; empty when it does not exist. */
export function columnsOf(db: Database, table: string): Column[] {
  return (db.prepare('SELECT * FROM pragma_table_info(?)').all([table]) as TableInfoRow[]).map((row) => ({
    cid: row.cid,
    name: row.name,
    type: row.type,
    notNull: row.notnull === 1,
    defaultValue: row.dflt_value,
    pk: row.pk,
  }));
}

/** The primary key columns in key order, or `['rowid']` for a table without one (as sqlite-utils reports). */
export function pksOf(columns: readonly Column[]): string[] {
  const pks = columns.filter((column) => column.pk > 0).sort((a, b) => a.pk - b.pk);
  return pks.length > 0 ? pks.map((column) => column.name) : ['rowid'];
}

/** The indexes of a table, with their columns. */
export function indexesOf(db: Database, table: string): Index[] {
  const list = db
    .prepare('SELECT name, "unique", origin, partial FROM pragma_index_list(?) ORDER BY seq DESC')
    .all([table]) as { name: string; unique: number; origin: Index['origin']; partial: number }[];
  const info = db.prepare('SELECT name FROM pragma_index_info(?) ORDER BY seqno', true);
  return list.map((index) => ({
    name: index.name,
    columns: info.all([index.name]) as (string | null)[],
    unique: index.unique === 1,
    origin: index.origin,
    partial: index.partial === 1,
  }));
}

/** The foreign keys of a table. A key that names no column references the other table's primary key. */
export function foreignKeysOf(db: Database, table: string): ForeignKey[] {
  const rows = db
    .prepare('SELECT "from", "table", "to" FROM pragma_foreign_key_list(?) ORDER BY id, seq')
    .all([table]) as { from: string; table: string; to: string | null }[];
  return rows.map((row) => ({
    column: row.from,
    otherTable: row.table,
    otherColumn: row.to ?? pksOf(columnsOf(db, row.table))[0] ?? 'rowid',
  }));
}

/** The `CREATE` statement of a table, view, index or trigger, or undefined when there is none. */
export function schemaOf(db: Database, name: string): string | undefined {
  return db.prepare('SELECT sql FROM sqlite_master WHERE name = ?', true).get([name]) as string | undefined;
}

/** The `CREATE TRIGGER` statements of a table. */
export function triggersOf(db: Database, table: string): { name: string; sql: string }[] {
  return db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?").all([table]) as {
    name: string;
    sql: string;
  }[];
}
