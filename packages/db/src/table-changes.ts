import { NotFoundError } from '@slicewise/errors';
import { InvalidColumnsError } from './errors.js';
import { quoteIdentifier } from './identifiers.js';
import type { Params } from './rows.js';
import type { Table } from './table.js';
import { type PkValue, rowNotFound } from './table-reads.js';
import { addMissingColumns, createIndex } from './table-schema.js';
import { type InsertOptions, insertAll, type Row } from './table-writes.js';
import { toSqlValue } from './values.js';

/** Options of {@link Table.lookup}. */
export interface LookupOptions<TRow> extends Omit<InsertOptions<TRow>, 'ignore' | 'replace' | 'pk'> {
  /** Values stored with a new row but not used to find it. */
  extra?: Partial<TRow>;
  /** Primary key column of a table the lookup creates. Default `id`. */
  pk?: string;
}

/** Options of {@link Table.update}. */
export interface UpdateOptions {
  /** Add the columns the changes name and the table lacks. */
  alter?: boolean;
  /** SQL expressions that wrap a column's bound value, e.g. `{ name: 'upper(?)' }`. */
  conversions?: Record<string, string>;
}

function pkWhere(table: Table<object>, pk: PkValue): { where: string; values: unknown[] } {
  if (!table.exists()) {
    throw new NotFoundError(`Table ${table.name} does not exist`, { details: { table: table.name } });
  }
  const pks = table.pks;
  const values = Array.isArray(pk) ? [...pk] : [pk];
  if (values.length !== pks.length) {
    throw new InvalidColumnsError(`${table.name} has a primary key of ${pks.length} column(s): ${pks.join(', ')}`, pks);
  }
  return { where: pks.map((column) => `${quoteIdentifier(column)} = ?`).join(' AND '), values };
}

/** Sets the given columns of one row; `NotFoundError` when no row has this primary key. */
export function update<T extends Table<object>>(table: T, pk: PkValue, changes: object, options: UpdateOptions): T {
  const keys = Object.keys(changes);
  if (keys.length === 0) {
    table.get(pk);
    table.lastPk = pk;
    return table;
  }
  table.db.atomic(() => {
    if (options.alter) addMissingColumns(table, [changes]);
    const { where, values } = pkWhere(table, pk);
    const sets = keys.map((key) => `${quoteIdentifier(key)} = ${options.conversions?.[key] ?? '?'}`).join(', ');
    const bound = [...keys.map((key) => toSqlValue((changes as Row)[key])), ...values];
    const result = table.db.execute(`UPDATE ${table.quoted} SET ${sets} WHERE ${where}`, bound);
    if (result.changes === 0) table.get(pk);
  });
  table.lastPk = pk;
  return table;
}

/** Deletes one row; `NotFoundError` when no row has this primary key. */
export function deleteRow<T extends Table<object>>(table: T, pk: PkValue): T {
  const { where, values } = pkWhere(table, pk);
  if (table.db.execute(`DELETE FROM ${table.quoted} WHERE ${where}`, values).changes === 0) {
    throw rowNotFound(table.name, pk);
  }
  return table;
}

/** Deletes the rows a `WHERE` clause matches; returns how many. */
export function deleteWhere(table: Table<object>, where: string | undefined, params: Params): number {
  if (!table.exists()) return 0;
  return table.db.execute(`DELETE FROM ${table.quoted}${where ? ` WHERE ${where}` : ''}`, params).changes;
}

/** Get-or-create: the pk of the row with these values (NULL matches NULL), inserted when missing. */
export function lookup(table: Table<object>, values: object, options: LookupOptions<Row>): unknown {
  const keys = Object.keys(values);
  if (keys.length === 0) throw new InvalidColumnsError('lookup needs at least one column', []);
  const { extra, ...insertOptions } = options;
  const combined = { ...values, ...extra };
  return table.db.atomic(() => {
    if (!table.exists()) {
      insertAll(table, [combined], { ...insertOptions, pk: options.pk ?? 'id' });
      createIndex(table, keys, { unique: true });
      return table.lastPk;
    }
    addMissingColumns(table, [combined]);
    ensureUniqueIndex(table, keys);
    const pk = options.pk ?? (table.pks.length === 1 ? (table.pks[0] as string) : 'rowid');
    const where = keys.map((key) => `${quoteIdentifier(key)} IS ?`).join(' AND ');
    const bound = keys.map((key) => toSqlValue((values as Row)[key]));
    const found = table.db
      .prepare(`SELECT ${quoteIdentifier(pk)} FROM ${table.quoted} WHERE ${where}`, true)
      .get(bound);
    if (found !== undefined) return found;
    insertAll(table, [combined], { ...insertOptions, pk });
    return table.lastPk;
  });
}

/**
 * Makes sure a unique index covers exactly these columns (in any order, any case), as `lookup` needs: any
 * unique index on them is accepted (one made by `createIndex`, a `UNIQUE` constraint); otherwise one is
 * created under a free name, so an existing non-unique index on the same columns is no obstacle. Duplicate
 * rows make that a `ConflictError`.
 */
function ensureUniqueIndex(table: Table<object>, keys: readonly string[]): void {
  const setOf = (columns: readonly (string | null)[]) =>
    columns
      .map((column) => (column ?? '').toLowerCase())
      .sort()
      .join('\0');
  const wanted = setOf(keys);
  if (table.indexes.some((index) => index.unique && !index.partial && setOf(index.columns) === wanted)) return;
  createIndex(table, keys, { unique: true, findUniqueName: true });
}
