import { transformToMatch } from './create-transform.js';
import { AlterError, InvalidColumnsError } from './errors.js';
import { quoteIdentifier, quoteLiteral } from './identifiers.js';
import { type ForeignKey, pksOf } from './introspection.js';
import type { Table } from './table.js';
import { transform } from './transform.js';
import { type ColumnType, columnTypeOf, normalizeColumnType, widenColumnType } from './values.js';

/** A foreign key to declare; `otherColumn` defaults to the other table's primary key. */
export interface ForeignKeySpec {
  readonly column: string;
  readonly otherTable: string;
  readonly otherColumn?: string;
}

/** Options of {@link Table.create} (and of an insert that creates its table). */
export interface CreateOptions {
  /** Primary key column, or columns for a compound key. Default: SQLite's rowid. */
  pk?: string | readonly string[];
  /** Columns declared `NOT NULL`. */
  notNull?: Iterable<string>;
  /** Column defaults, as values (quoted as SQL literals). */
  defaults?: Record<string, unknown>;
  /** Foreign keys to declare. */
  foreignKeys?: readonly ForeignKeySpec[];
  /** No error when the table exists already. */
  ifNotExists?: boolean;
  /** Drop an existing table of this name first. */
  replace?: boolean;
  /**
   * Make an existing table match: add missing columns, then rebuild it (only when something differs) with
   * these column types, `NOT NULL`, defaults and primary key, dropping the other columns.
   */
  transform?: boolean;
  /** Declare a `STRICT` table (SQLite enforces the column types). */
  strict?: boolean;
}

/** Options of {@link Table.createIndex}. */
export interface IndexOptions {
  /** Index name. Default `idx_<table>_<columns>`, as sqlite-utils names it. */
  name?: string;
  unique?: boolean;
  /** No error when an index of this name exists. */
  ifNotExists?: boolean;
  /** When the default name is taken, add `_2`, `_3`… until it is free (as sqlite-utils' `find_unique_name`). */
  findUniqueName?: boolean;
}

/** Options of {@link Table.addColumn}. */
export interface AddColumnOptions {
  /** Declare the column `NOT NULL` with this default for the rows already there. */
  notNullDefault?: unknown;
  /** Make the column a foreign key to this table (its primary key unless `fkColumn`). */
  fk?: string;
  fkColumn?: string;
}

/** A column of a `CREATE TABLE` statement, its default already SQL text. */
export interface ColumnDefinition {
  readonly name: string;
  readonly type: string;
  readonly notNull: boolean;
  readonly defaultSql: string | null;
}

/** The `CREATE TABLE` statement for these columns; a single `INTEGER` pk becomes the rowid alias. */
export function createTableSql(
  name: string,
  columns: readonly ColumnDefinition[],
  pk: readonly string[],
  foreignKeys: readonly ForeignKey[],
  strict = false,
): string {
  const names = new Set(columns.map((column) => column.name));
  const unknown = [...pk, ...foreignKeys.map((fk) => fk.column)].filter((column) => !names.has(column));
  if (unknown.length > 0) throw new InvalidColumnsError(`No such columns in ${name}: ${unknown.join(', ')}`, unknown);
  const lines = columns.map((column) => {
    let line = `${quoteIdentifier(column.name)}${column.type ? ` ${column.type}` : ''}`;
    if (pk.length === 1 && pk[0] === column.name) line += ' PRIMARY KEY';
    if (column.notNull) line += ' NOT NULL';
    if (column.defaultSql !== null) line += ` DEFAULT ${column.defaultSql}`;
    for (const fk of foreignKeys.filter((key) => key.column === column.name)) {
      line += ` REFERENCES ${quoteIdentifier(fk.otherTable)}(${quoteIdentifier(fk.otherColumn)})`;
    }
    return line;
  });
  if (pk.length > 1) lines.push(`PRIMARY KEY (${pk.map(quoteIdentifier).join(', ')})`);
  return `CREATE TABLE ${quoteIdentifier(name)} (\n  ${lines.join(',\n  ')}\n)${strict ? ' STRICT' : ''}`;
}

/** Resolves a foreign key's other column to the other table's primary key, checking both exist. */
export function resolveForeignKey(
  table: Table<object>,
  spec: ForeignKeySpec,
  ownPk: readonly string[] = [],
): ForeignKey {
  const other = table.db.table(spec.otherTable);
  const selfReference = spec.otherTable === table.name && !table.exists();
  if (!selfReference && !other.exists())
    throw new AlterError(`Foreign key target table ${spec.otherTable} does not exist`);
  const otherPk = selfReference ? [...ownPk] : other.pks;
  const otherColumn = spec.otherColumn ?? (otherPk.length === 1 ? otherPk[0] : undefined);
  if (otherColumn === undefined)
    throw new AlterError(`Name the column of ${spec.otherTable} that ${spec.column} references`);
  if (!selfReference && otherColumn !== 'rowid' && !other.columns.some((column) => column.name === otherColumn)) {
    throw new AlterError(`Foreign key target column ${spec.otherTable}.${otherColumn} does not exist`);
  }
  return { column: spec.column, otherTable: spec.otherTable, otherColumn };
}

/** Creates the table from column names and types. */
export function create<T extends Table<object>>(
  table: T,
  columns: Record<string, ColumnType | string>,
  options: CreateOptions,
): T {
  const pk = options.pk === undefined ? [] : typeof options.pk === 'string' ? [options.pk] : [...options.pk];
  const notNull = new Set(options.notNull ?? []);
  const defaults = options.defaults ?? {};
  const known = new Set(Object.keys(columns));
  const unknown = [...notNull, ...Object.keys(defaults)].filter((column) => !known.has(column));
  if (unknown.length > 0) throw new InvalidColumnsError(`No such columns: ${unknown.join(', ')}`, unknown);
  const definitions = Object.entries(columns).map(([name, type]) => ({
    name,
    type: normalizeColumnType(type, name),
    notNull: notNull.has(name),
    defaultSql: name in defaults ? quoteLiteral(defaults[name]) : null,
  }));
  if (options.transform && !options.replace && table.exists()) return transformToMatch(table, columns, options);
  table.db.atomic(() => {
    if (table.exists()) {
      if (options.ifNotExists) return;
      if (options.replace) table.db.execute(`DROP TABLE ${table.quoted}`);
    }
    const foreignKeys = (options.foreignKeys ?? []).map((spec) => resolveForeignKey(table, spec, pk));
    table.db.execute(createTableSql(table.name, definitions, pk, foreignKeys, options.strict));
  });
  return table;
}

/** Creates an index on these columns and returns its name. */
export function createIndex(table: Table<object>, columns: readonly string[], options: IndexOptions): string {
  if (columns.length === 0) throw new InvalidColumnsError('An index needs at least one column', []);
  const existing = new Set(table.columns.map((column) => column.name.toLowerCase()));
  const unknown = columns.filter((column) => !existing.has(column.toLowerCase()));
  if (unknown.length > 0)
    throw new InvalidColumnsError(`No such columns in ${table.name}: ${unknown.join(', ')}`, unknown);
  const base = options.name ?? `idx_${table.name.replaceAll(' ', '_')}_${columns.join('_')}`;
  let name = base;
  if (options.findUniqueName && options.name === undefined) {
    const taken = table.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?", true);
    for (let suffix = 2; taken.get([name]) !== undefined; suffix++) name = `${base}_${suffix}`;
  }
  const sql =
    `CREATE ${options.unique ? 'UNIQUE ' : ''}INDEX ${options.ifNotExists ? 'IF NOT EXISTS ' : ''}` +
    `${quoteIdentifier(name)} ON ${table.quoted} (${columns.map(quoteIdentifier).join(', ')})`;
  table.db.execute(sql);
  return name;
}

/** Adds a column (`ALTER TABLE ADD COLUMN`), optionally `NOT NULL` with a default, optionally a foreign key. */
export function addColumn<T extends Table<object>>(table: T, name: string, type: string, options: AddColumnOptions): T {
  if (!table.exists()) throw new AlterError(`Table ${table.name} does not exist`);
  const normal = normalizeColumnType(type, name);
  if (options.fk !== undefined && !table.db.table(options.fk).exists()) {
    throw new AlterError(`Foreign key target table ${options.fk} does not exist`);
  }
  const notNull =
    options.notNullDefault === undefined ? '' : ` NOT NULL DEFAULT ${quoteLiteral(options.notNullDefault)}`;
  table.db.execute(`ALTER TABLE ${table.quoted} ADD COLUMN ${quoteIdentifier(name)} ${normal}${notNull}`);
  if (options.fk !== undefined) addForeignKey(table, name, options.fk, options.fkColumn);
  return table;
}

/**
 * Adds the columns these rows have and the table lacks, with types inferred from the rows. Names are
 * compared as SQLite does, ignoring case: `existing` holds lower-cased names.
 */
export function addMissingColumns(table: Table<object>, rows: readonly object[], existing?: Set<string>): Set<string> {
  const have = existing ?? columnNameSet(table);
  const types = new Map<string, { name: string; type: ColumnType | undefined }>();
  for (const row of rows) {
    for (const [key, value] of Object.entries(row)) {
      const lower = key.toLowerCase();
      if (have.has(lower)) continue;
      const seen = types.get(lower);
      types.set(lower, { name: seen?.name ?? key, type: widenColumnType(seen?.type, columnTypeOf(value)) });
    }
  }
  for (const [lower, { name, type }] of types) {
    addColumn(table, name, type ?? 'TEXT', {});
    have.add(lower);
  }
  return have;
}

/** The table's column names, lower-cased: SQLite matches column names without regard to case. */
export function columnNameSet(table: Table<object>): Set<string> {
  return new Set(table.columns.map((column) => column.name.toLowerCase()));
}

/** Adds a foreign key by rebuilding the table (SQLite cannot add one in place). */
export function addForeignKey<T extends Table<object>>(
  table: T,
  column: string,
  otherTable: string,
  otherColumn?: string,
): T {
  if (!table.columns.some((existing) => existing.name === column)) {
    throw new InvalidColumnsError(`No such column in ${table.name}: ${column}`, [column]);
  }
  if (table.foreignKeys.some((fk) => fk.column === column)) {
    throw new AlterError(`A foreign key already exists for ${table.name}.${column}`);
  }
  const fk = resolveForeignKey(table, { column, otherTable, ...(otherColumn ? { otherColumn } : {}) });
  return transform(table, { addForeignKeys: [fk] });
}

/** Drops the table; `ignore` makes a missing table no error. */
export function drop(table: Table<object>, options: { ignore?: boolean }): void {
  table.db.execute(`DROP TABLE ${options.ignore ? 'IF EXISTS ' : ''}${table.quoted}`);
}

/** The primary key a table has, or none for a rowid table. */
export function declaredPk(table: Table<object>): string[] {
  const pks = pksOf(table.columns);
  return pks[0] === 'rowid' && pks.length === 1 ? [] : pks;
}
