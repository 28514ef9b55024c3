export { Database, type DatabaseOptions } from './database.js';
export { quoteIdentifier } from './identifiers.js';
export { type Migration, migrate } from './migrations.js';
export { type InsertOptions, type RowsWhereOptions, Table } from './table.js';
export type { ColumnType, SqlValue } from './values.js';
