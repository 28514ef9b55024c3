import { AlterError, InvalidColumnsError } from './errors.js';
import { quoteIdentifier } from './identifiers.js';
import type { Table } from './table.js';

/** Options of {@link Table.enableFts}. */
export interface FtsOptions {
  /** FTS5 tokenizer, e.g. `porter` or `unicode61 remove_diacritics 2`. Default SQLite's `unicode61`. */
  tokenize?: string;
  /** Keep the index in sync with triggers on insert, update and delete. Default true. */
  createTriggers?: boolean;
  /** Drop an existing index first. */
  replace?: boolean;
}

/** Options of {@link Table.search}. */
export interface SearchOptions {
  /** SQL select list over the table's columns. Default `*`. */
  select?: string;
  limit?: number;
  offset?: number;
  /** Quote the query so FTS5 syntax in user input is searched for as text. Default true. */
  quote?: boolean;
}

/** The name of a table's FTS5 index table. */
export const ftsTableName = (table: string) => `${table}_fts`;

/**
 * Quotes user input for an FTS5 `MATCH`: every word becomes a quoted string, so `AND`, `NEAR`, `*`, `:` and
 * unbalanced quotes are searched for as text instead of failing or changing the query.
 */
export function escapeFts(query: string): string {
  return query
    .split(/\s+/)
    .filter((word) => word.length > 0)
    .map((word) => `"${word.replaceAll('"', '""')}"`)
    .join(' ');
}

/** Creates `<table>_fts` (FTS5, external content) on these columns and fills it. */
export function enableFts<T extends Table<object>>(table: T, columns: readonly string[], options: FtsOptions): T {
  const existing = new Set(table.columns.map((column) => column.name));
  const unknown = columns.filter((column) => !existing.has(column));
  if (columns.length === 0 || unknown.length > 0) {
    throw new InvalidColumnsError(`No such columns in ${table.name}: ${unknown.join(', ')}`, unknown);
  }
  const fts = quoteIdentifier(ftsTableName(table.name));
  const list = columns.map(quoteIdentifier).join(', ');
  const tokenize = options.tokenize ? `, tokenize = ${quoteTokenize(options.tokenize)}` : '';
  const db = table.db;
  db.atomic(() => {
    if (options.replace) disableFts(table);
    else if (db.table(ftsTableName(table.name)).exists())
      throw new AlterError(`${table.name} already has a full-text index`);
    db.execute(`CREATE VIRTUAL TABLE ${fts} USING fts5 (${list}, content = ${quoteIdentifier(table.name)}${tokenize})`);
    db.execute(`INSERT INTO ${fts} (${fts}) VALUES ('rebuild')`);
    if (options.createTriggers === false) return;
    const newValues = columns.map((column) => `new.${quoteIdentifier(column)}`).join(', ');
    const oldValues = columns.map((column) => `old.${quoteIdentifier(column)}`).join(', ');
    const remove = `INSERT INTO ${fts} (${fts}, rowid, ${list}) VALUES ('delete', old.rowid, ${oldValues});`;
    const add = `INSERT INTO ${fts} (rowid, ${list}) VALUES (new.rowid, ${newValues});`;
    const trigger = (suffix: string) => quoteIdentifier(`${table.name}_${suffix}`);
    db.execute(`CREATE TRIGGER ${trigger('ai')} AFTER INSERT ON ${table.quoted} BEGIN ${add} END`);
    db.execute(`CREATE TRIGGER ${trigger('ad')} AFTER DELETE ON ${table.quoted} BEGIN ${remove} END`);
    db.execute(`CREATE TRIGGER ${trigger('au')} AFTER UPDATE ON ${table.quoted} BEGIN ${remove} ${add} END`);
  });
  return table;
}

/** Drops the full-text index and its triggers. */
export function disableFts(table: Table<object>): void {
  const db = table.db;
  db.atomic(() => {
    // `<table>_ai` as sqlite-utils names them; `<table>_fts_ai` as versions before 0.2 did
    for (const suffix of ['ai', 'ad', 'au', 'fts_ai', 'fts_ad', 'fts_au'])
      db.execute(`DROP TRIGGER IF EXISTS ${quoteIdentifier(`${table.name}_${suffix}`)}`);
    db.execute(`DROP TABLE IF EXISTS ${quoteIdentifier(ftsTableName(table.name))}`);
  });
}

/** Rebuilds the full-text index from the table (after writes made while triggers were off). */
export function populateFts(table: Table<object>): void {
  const fts = quoteIdentifier(ftsTableName(table.name));
  table.db.execute(`INSERT INTO ${fts} (${fts}) VALUES ('rebuild')`);
}

/** Rows matching a full-text query, best (lowest bm25 rank) first. */
export function search(table: Table<object>, query: string, options: SearchOptions): unknown[] {
  const fts = quoteIdentifier(ftsTableName(table.name));
  const select = options.select ?? `${table.quoted}.*`;
  const sql =
    `SELECT ${select} FROM ${table.quoted} JOIN ${fts} ON ${fts}.rowid = ${table.quoted}.rowid ` +
    `WHERE ${fts} MATCH ? ORDER BY ${fts}.rank LIMIT ? OFFSET ?`;
  const match = options.quote === false ? query : escapeFts(query);
  if (match.trim() === '') return [];
  return table.db.query(sql, [match, options.limit ?? -1, options.offset ?? 0]).all();
}

function quoteTokenize(tokenize: string): string {
  return `'${tokenize.replaceAll("'", "''")}'`;
}
