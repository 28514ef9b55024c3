import type BetterSqlite3 from 'better-sqlite3';
import { InvalidColumnsError } from './errors.js';
import { quoteIdentifier } from './identifiers.js';
import type { Table } from './table.js';
import { toSqlValue } from './values.js';

type Row = Record<string, unknown>;

/** The primary key an upsert matches rows on: the one given, else the table's; a rowid table has none. */
export function upsertPk(table: Table<object>, pk: string | readonly string[] | undefined): string[] {
  const columns = pk === undefined ? table.pks : typeof pk === 'string' ? [pk] : [...pk];
  if (columns.length === 1 && columns[0] === 'rowid') {
    throw new InvalidColumnsError(`upsert needs a primary key: ${table.name} has none, pass pk`, []);
  }
  return columns;
}

/** The `ON CONFLICT` clause that updates only the given columns of an existing row. */
export function onConflictSql(columns: readonly string[], pk: readonly string[]): string {
  const updates = columns.filter((column) => !pk.includes(column));
  const action =
    updates.length === 0
      ? 'NOTHING'
      : `UPDATE SET ${updates.map((c) => `${quoteIdentifier(c)} = excluded.${quoteIdentifier(c)}`).join(', ')}`;
  return ` ON CONFLICT (${pk.map(quoteIdentifier).join(', ')}) DO ${action}`;
}

/**
 * Whether the rows leave out a `NOT NULL` column that has no default. SQLite checks `NOT NULL` before it
 * looks for a conflict, so `INSERT … ON CONFLICT DO UPDATE` would fail even for rows that exist: such
 * batches are upserted row by row instead.
 */
export function needsRowByRow(table: Table<object>, columns: readonly string[]): boolean {
  const given = new Set(columns.map((column) => column.toLowerCase()));
  return table.columns.some(
    (c) => c.notNull && c.defaultValue === null && c.pk === 0 && !given.has(c.name.toLowerCase()),
  );
}

/** Upserts rows one at a time, each with its own columns: updates those of an existing row, else inserts it. */
export function upsertRowByRow(
  table: Table<object>,
  batch: readonly Row[],
  pk: readonly string[],
  conversions: Record<string, string>,
): BetterSqlite3.RunResult | undefined {
  const db = table.db;
  const where = pk.map((column) => `${quoteIdentifier(column)} = ?`).join(' AND ');
  const exists = db.prepare(`SELECT 1 FROM ${table.quoted} WHERE ${where}`, true);
  const shapes = new Map<
    string,
    { columns: string[]; updates: string[]; update?: BetterSqlite3.Statement; insert: BetterSqlite3.Statement }
  >();
  let result: BetterSqlite3.RunResult | undefined;
  for (const row of batch) {
    const columns = Object.keys(row);
    const shapeKey = columns.join('\0');
    let shape = shapes.get(shapeKey);
    if (shape === undefined) {
      const updates = columns.filter((column) => !pk.includes(column));
      const bind = (column: string) => conversions[column] ?? '?';
      const sets = updates.map((column) => `${quoteIdentifier(column)} = ${bind(column)}`).join(', ');
      const list = columns.map(quoteIdentifier).join(', ');
      shape = {
        columns,
        updates,
        ...(updates.length > 0 ? { update: db.prepare(`UPDATE ${table.quoted} SET ${sets} WHERE ${where}`) } : {}),
        insert: db.prepare(`INSERT INTO ${table.quoted} (${list}) VALUES (${columns.map(bind).join(', ')})`),
      };
      shapes.set(shapeKey, shape);
    }
    const key = pk.map((column) => toSqlValue(row[column]));
    if (exists.get(key) === undefined)
      result = shape.insert.run(shape.columns.map((column) => toSqlValue(row[column])));
    else if (shape.update)
      result = shape.update.run([...shape.updates.map((column) => toSqlValue(row[column])), ...key]);
  }
  return result;
}

/** Whether every row of the batch has every column (then one multi-row statement can upsert them). */
export function sameColumns(batch: readonly Row[], columns: readonly string[]): boolean {
  for (const row of batch) if (Object.keys(row).length !== columns.length) return false;
  return true;
}
