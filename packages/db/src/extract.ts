import { randomBytes } from 'node:crypto';
import { InvalidColumnsError } from './errors.js';
import { quoteIdentifier } from './identifiers.js';
import type { Table } from './table.js';
import { addColumn, create, createIndex } from './table-schema.js';
import { transform } from './transform.js';

/** Options of {@link Table.extract}. */
export interface ExtractOptions {
  /** The lookup table. Default: the columns' names joined with `_`. */
  table?: string;
  /** The foreign key column that replaces the extracted ones. Default `<table>_id`. */
  fkColumn?: string;
  /** Names the extracted columns get in the lookup table. */
  rename?: Record<string, string>;
}

/**
 * Moves the values of some columns into a lookup table (`id` plus those columns, one row per distinct
 * combination, unique) and replaces the columns by a foreign key to it, as sqlite-utils' `extract` does.
 * An existing lookup table must have the columns with the same types; its rows are reused.
 */
export function extract<T extends Table<object>>(
  table: T,
  columns: string | readonly string[],
  options: ExtractOptions,
): T {
  const extracted = typeof columns === 'string' ? [columns] : [...columns];
  const types = new Map(table.columns.map((column) => [column.name, column.type]));
  const unknown = extracted.filter((column) => !types.has(column));
  if (extracted.length === 0 || unknown.length > 0) {
    throw new InvalidColumnsError(`No such columns in ${table.name}: ${unknown.join(', ')}`, unknown);
  }
  const db = table.db;
  const rename = options.rename ?? {};
  const lookupName = options.table ?? extracted.join('_');
  const fkColumn = options.fkColumn ?? `${lookupName}_id`;
  const lookup = db.table(lookupName);
  const lookupColumns = extracted.map((column) => rename[column] ?? column);
  const temporary = `${fkColumn}_${randomBytes(6).toString('hex')}`;
  db.atomic(() => {
    if (lookup.exists()) {
      const have = new Map(lookup.columns.map((column) => [column.name, column.type]));
      const lacking = extracted.filter((column, i) => have.get(lookupColumns[i] as string) !== types.get(column));
      if (lacking.length > 0) {
        throw new InvalidColumnsError(
          `Lookup table ${lookupName} lacks columns of the same types: ${lacking}`,
          lacking,
        );
      }
    } else {
      const definition: Record<string, string> = { id: 'INTEGER' };
      extracted.forEach((column, i) => {
        definition[lookupColumns[i] as string] = types.get(column) || 'TEXT';
      });
      create(lookup, definition, { pk: 'id' });
    }
    createIndex(lookup, lookupColumns, { unique: true, ifNotExists: true });
    const into = lookupColumns.map(quoteIdentifier).join(', ');
    const from = extracted.map(quoteIdentifier).join(', ');
    db.execute(`INSERT OR IGNORE INTO ${lookup.quoted} (${into}) SELECT DISTINCT ${from} FROM ${table.quoted}`);
    addColumn(table, temporary, 'INTEGER', {});
    const match = extracted
      .map(
        (column, i) =>
          `${table.quoted}.${quoteIdentifier(column)} IS ${lookup.quoted}.${quoteIdentifier(lookupColumns[i] as string)}`,
      )
      .join(' AND ');
    db.execute(
      `UPDATE ${table.quoted} SET ${quoteIdentifier(temporary)} = (SELECT id FROM ${lookup.quoted} WHERE ${match})`,
    );
  });
  const order: string[] = [];
  for (const column of table.columns) {
    if (column.name === temporary) continue;
    if (!extracted.includes(column.name)) order.push(column.name);
    else if (!order.includes(temporary)) order.push(temporary);
  }
  return transform(table, {
    drop: extracted,
    rename: { [temporary]: fkColumn },
    columnOrder: order,
    addForeignKeys: [{ column: fkColumn, otherTable: lookupName, otherColumn: 'id' }],
  });
}
