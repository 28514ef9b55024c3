export { Database } from './database.js';
export type { DatabaseOptions, PrepareOptions, TableOptions } from './database-options.js';
export { AlterError, InvalidColumnsError, InvalidIdentifierError, MigrationError, TransactionError } from './errors.js';
export type { ExtractOptions } from './extract.js';
export { escapeFts, type FtsOptions, type SearchOptions } from './fts.js';
export { hashRecord } from './hash-id.js';
export { quoteIdentifier } from './identifiers.js';
export type { Column, ForeignKey, Index } from './introspection.js';
export {
  type AppliedMigration,
  appliedMigrations,
  checksumOf,
  type Migration,
  type MigrationStatus,
  Migrations,
  migrate,
  migrationsTable,
} from './migrations.js';
export { type Params, Rows } from './rows.js';
export { Table } from './table.js';
export type { LookupOptions, UpdateOptions } from './table-changes.js';
export type { PkValue, RowsWhereOptions } from './table-reads.js';
export type { AddColumnOptions, CreateOptions, ForeignKeySpec, IndexOptions } from './table-schema.js';
export type { InsertOptions, UpsertOptions } from './table-writes.js';
export type { TransformOptions } from './transform.js';
export type { ColumnType, SqlValue } from './values.js';
