import { randomBytes } from 'node:crypto';
import { ConflictError } from '@slicewise/errors';
import { AlterError, InvalidColumnsError, TransactionError } from './errors.js';
import { quoteIdentifier, quoteLiteral } from './identifiers.js';
import { type ForeignKey, foreignKeysOf, indexesOf, schemaOf, triggersOf } from './introspection.js';
import type { Table } from './table.js';
import { type ColumnDefinition, createTableSql, declaredPk } from './table-schema.js';
import { type ColumnType, normalizeColumnType } from './values.js';

/** What {@link Table.transform} changes. Columns are named by their current names, except in `pk` (new names). */
export interface TransformOptions {
  /** New types of columns. */
  types?: Record<string, ColumnType | string>;
  /** Old name to new name. */
  rename?: Record<string, string>;
  /** Columns to remove. */
  drop?: Iterable<string>;
  /** The new primary key (new names); an empty array makes a rowid table. Default: the current one. */
  pk?: string | readonly string[];
  /** Columns to make `NOT NULL` (a list), or a record where `true` adds `NOT NULL` and `false` removes it. */
  notNull?: Iterable<string> | Record<string, boolean>;
  /** New defaults (values); `null` removes a default. */
  defaults?: Record<string, unknown>;
  /** Columns to put first, in this order (current or new names). */
  columnOrder?: readonly string[];
  /** Columns whose foreign keys to remove. */
  dropForeignKeys?: Iterable<string>;
  /** Foreign keys to add (columns by new names). */
  addForeignKeys?: readonly ForeignKey[];
}

/**
 * Rebuilds a table in SQLite's 12 steps: create the new table, copy the rows (and rowids), drop the old one,
 * rename, recreate indexes and triggers, check foreign keys, all in one transaction with foreign keys off.
 * Other tables' foreign keys to this one keep working. Cannot run inside `atomic()` while foreign keys are on.
 */
export function transform<T extends Table<object>>(table: T, options: TransformOptions): T {
  const db = table.db;
  const columns = table.columns;
  if (columns.length === 0) throw new InvalidColumnsError(`Table ${table.name} does not exist`, []);
  const existing = new Set(columns.map((column) => column.name));
  const notNull = notNullRecord(options.notNull);
  const rename = options.rename ?? {};
  const dropped = new Set(options.drop ?? []);
  const named = [...Object.keys(options.types ?? {}), ...Object.keys(rename), ...dropped];
  named.push(...Object.keys(notNull), ...Object.keys(options.defaults ?? {}));
  const unknown = [...new Set(named)].filter((column) => !existing.has(column));
  if (unknown.length > 0)
    throw new InvalidColumnsError(`No such columns in ${table.name}: ${unknown.join(', ')}`, unknown);
  const newName = (column: string) => rename[column] ?? column;

  const kept = columns.filter((column) => !dropped.has(column.name));
  let definitions: ColumnDefinition[] = kept.map((column) => ({
    name: newName(column.name),
    type: options.types?.[column.name]
      ? normalizeColumnType(options.types[column.name] as string, column.name)
      : column.type,
    notNull: notNull[column.name] ?? column.notNull,
    defaultSql:
      options.defaults && column.name in options.defaults
        ? options.defaults[column.name] === null
          ? null
          : quoteLiteral(options.defaults[column.name])
        : column.defaultValue,
  }));
  if (options.columnOrder) {
    const order = options.columnOrder.map(newName);
    const position = (name: string) => (order.includes(name) ? order.indexOf(name) : order.length);
    definitions = definitions
      .map((d, i) => ({ d, i }))
      .sort((a, b) => position(a.d.name) - position(b.d.name) || a.i - b.i)
      .map(({ d }) => d);
  }
  const pk =
    options.pk === undefined
      ? declaredPk(table).map(newName)
      : typeof options.pk === 'string'
        ? [options.pk]
        : [...options.pk];
  const droppedFks = new Set(options.dropForeignKeys ?? []);
  const foreignKeys = [
    ...foreignKeysOf(db, table.name)
      .filter((fk) => !dropped.has(fk.column) && !droppedFks.has(fk.column))
      .map((fk) => ({ ...fk, column: newName(fk.column) })),
    ...(options.addForeignKeys ?? []),
  ];
  const indexes = indexesOf(db, table.name)
    .filter((index) => index.origin !== 'pk')
    .map((index) => ({ ...index, sql: schemaOf(db, index.name) }));
  const triggers = triggersOf(db, table.name);
  const temporary = `${table.name}_new_${randomBytes(6).toString('hex')}`;
  const copied = kept.map((column) => quoteIdentifier(column.name));
  const into = kept.map((column) => quoteIdentifier(newName(column.name)));
  if (pk.length === 0) {
    copied.unshift('rowid');
    into.unshift('rowid');
  }

  const foreignKeysOn = db.raw.pragma('foreign_keys', { simple: true }) === 1;
  if (foreignKeysOn && db.inTransaction) {
    throw new TransactionError('transform() rebuilds the table with foreign keys off: call it outside atomic()');
  }
  if (foreignKeysOn) db.raw.pragma('foreign_keys = OFF');
  try {
    db.atomic(() => {
      db.execute(createTableSql(temporary, definitions, pk, foreignKeys));
      db.execute(
        `INSERT INTO ${quoteIdentifier(temporary)} (${into.join(', ')}) SELECT ${copied.join(', ')} FROM ${table.quoted}`,
      );
      db.execute(`DROP TABLE ${table.quoted}`);
      db.raw.pragma('legacy_alter_table = ON');
      try {
        db.execute(`ALTER TABLE ${quoteIdentifier(temporary)} RENAME TO ${table.quoted}`);
      } finally {
        db.raw.pragma('legacy_alter_table = OFF');
      }
      for (const index of indexes) {
        const indexColumns = index.columns;
        if (indexColumns.some((column) => column !== null && dropped.has(column))) continue;
        const renamed = indexColumns.some((column) => column !== null && column in rename);
        if (index.origin === 'c' && index.sql && !renamed) {
          db.execute(index.sql);
        } else if (!indexColumns.includes(null)) {
          const name =
            index.origin === 'c'
              ? index.name
              : `idx_${table.name}_${indexColumns.map((c) => newName(c as string)).join('_')}_unique`;
          const list = indexColumns.map((column) => quoteIdentifier(newName(column as string))).join(', ');
          db.execute(
            `CREATE ${index.unique ? 'UNIQUE ' : ''}INDEX ${quoteIdentifier(name)} ON ${table.quoted} (${list})`,
          );
        }
      }
      for (const trigger of triggers) db.execute(trigger.sql);
      if (foreignKeysOn) {
        let violations: unknown[];
        try {
          violations = db.raw.pragma('foreign_key_check') as unknown[];
        } catch (error) {
          throw new AlterError(`transform() of ${table.name} breaks a foreign key: ${(error as Error).message}`, {
            cause: error,
          });
        }
        if (violations.length > 0) {
          throw new ConflictError(
            `transform() of ${table.name} would break ${violations.length} foreign key reference(s)`,
            {
              details: { table: table.name, violations },
            },
          );
        }
      }
    });
  } finally {
    if (foreignKeysOn) db.raw.pragma('foreign_keys = ON');
    db.schemaChanged();
  }
  return table;
}

/** `notNull` as a record: a list of columns (as sqlite-utils takes it) means `true` for each. */
function notNullRecord(notNull: TransformOptions['notNull']): Record<string, boolean> {
  if (notNull === undefined) return {};
  if (typeof (notNull as Iterable<string>)[Symbol.iterator] === 'function' && typeof notNull !== 'string') {
    return Object.fromEntries([...(notNull as Iterable<string>)].map((column) => [column, true]));
  }
  return notNull as Record<string, boolean>;
}
