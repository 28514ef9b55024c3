import { quoteLiteral } from './identifiers.js';
import { pksOf } from './introspection.js';
import type { Table } from './table.js';
import { addColumn, type CreateOptions } from './table-schema.js';
import { transform } from './transform.js';
import { normalizeColumnType } from './values.js';

/**
 * `create(columns, { transform: true })` on an existing table: adds the missing columns, then rebuilds the
 * table (only when something differs) so its column types, `NOT NULL`, defaults and primary key are those
 * asked for; columns not asked for are dropped, and the order of the others is kept. Idempotent, like
 * sqlite-utils'.
 */
export function transformToMatch<T extends Table<object>>(
  table: T,
  columns: Record<string, string>,
  options: CreateOptions,
): T {
  const wanted = Object.fromEntries(
    Object.entries(columns).map(([name, type]) => [name, normalizeColumnType(type, name) as string]),
  );
  const existing = table.columns;
  const have = new Map(existing.map((column) => [column.name, column]));
  const missing = Object.keys(wanted).filter((name) => !have.has(name));
  const drop = existing.map((column) => column.name).filter((name) => !(name in wanted));
  const notNull = new Set(options.notNull ?? []);
  const defaults = options.defaults ?? {};
  const pk = options.pk === undefined ? undefined : typeof options.pk === 'string' ? [options.pk] : [...options.pk];
  const differs =
    missing.length > 0 ||
    drop.length > 0 ||
    existing.some(
      (column, i) =>
        column.name in wanted && (column.type !== wanted[column.name] || Object.keys(wanted)[i] !== column.name),
    ) ||
    existing.some((column) => column.notNull !== notNull.has(column.name)) ||
    Object.entries(defaults).some(([name, value]) => have.get(name)?.defaultValue !== quoteLiteral(value)) ||
    (pk !== undefined && pksOf(existing).join('\0') !== pk.join('\0'));
  if (!differs) return table;
  for (const name of missing) addColumn(table, name, wanted[name] as string, {});
  return transform(table, {
    types: Object.fromEntries(Object.entries(wanted).filter(([name]) => have.has(name))),
    drop,
    notNull: Object.fromEntries(Object.keys(wanted).map((name) => [name, notNull.has(name)])),
    ...(Object.keys(defaults).length > 0 ? { defaults } : {}),
    ...(pk !== undefined ? { pk } : {}),
  });
}
