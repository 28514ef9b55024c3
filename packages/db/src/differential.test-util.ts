// The Node side of the differential test: runs the shared JSON cases (conformance/cases) against @slicewise/db
// and describes each outcome in the same shape as conformance/runner.py does for sqlite-utils.
import { isSlicewiseError } from '@slicewise/errors';
import type BetterSqlite3 from 'better-sqlite3';
import { Database, quoteIdentifier, type Table } from './index.js';

/** One step of a case: an operation on a table (or the database) with its arguments, camelCase. */
export interface Step {
  op: string;
  table?: string;
  options?: Record<string, unknown>;
  [argument: string]: unknown;
}

/** A case: steps run in order on a fresh in-memory database. */
export interface Case {
  name: string;
  steps: Step[];
}

/** What a runner reports for one case. */
export interface Outcome {
  results: unknown[];
  error: { step: number; code: string } | null;
  tables: Record<
    string,
    { columns: unknown[][]; indexes: unknown[][]; foreignKeys: unknown[][]; rows: string[][]; virtual: boolean }
  >;
  triggers: string[];
}

/** Tagged JSON values, as runner.py decodes them: bytes, integers past 2^53, floats, dates. */
function decode(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decode);
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value);
  if (entries.length === 1) {
    const [key, inner] = entries[0] as [string, string];
    if (key === '$bytes') return Buffer.from(inner, 'hex');
    if (key === '$bigint') return BigInt(inner);
    if (key === '$float') return Number(inner);
    if (key === '$date') return new Date(`${inner}T00:00:00Z`);
    if (key === '$datetime') return new Date(`${inner}Z`);
  }
  return Object.fromEntries(entries.map(([key, inner]) => [key, decode(inner)]));
}

/** Step results as JSON, as runner.py encodes them. */
function encode(value: unknown): unknown {
  if (value instanceof Uint8Array) return { $bytes: Buffer.from(value).toString('hex') };
  if (typeof value === 'bigint') {
    return value > 2n ** 53n || value < -(2n ** 53n) ? { $bigint: value.toString() } : Number(value);
  }
  if (Array.isArray(value)) return value.map(encode);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, encode(inner)]));
  }
  return value ?? null;
}

type AnyTable = Table<Record<string, unknown>>;
type Options = Record<string, unknown>;

function runStep(db: Database, step: Step): unknown {
  const tableOptions = step.safeIntegers === undefined ? {} : { safeIntegers: step.safeIntegers as boolean };
  const table = step.table === undefined ? undefined : (db.table(step.table, tableOptions) as AnyTable);
  const t = table as AnyTable;
  const options = (decode(step.options ?? {}) as Options) ?? {};
  const arg = (name: string) => decode(step[name]);
  switch (step.op) {
    case 'insert':
      t.insert(arg('row') as Options, options);
      return null;
    case 'insertAll':
      t.insertAll(arg('rows') as Options[], options);
      return null;
    case 'upsert':
      t.upsert(arg('row') as Options, options);
      return null;
    case 'upsertAll':
      t.upsertAll(arg('rows') as Options[], options);
      return null;
    case 'update':
      t.update(arg('pk') as never, arg('changes') as Options, options);
      return null;
    case 'delete':
      t.delete(arg('pk') as never);
      return null;
    case 'deleteWhere':
      t.deleteWhere(step.where as string | undefined, (arg('params') ?? []) as unknown[]);
      return null;
    case 'get':
      return t.get(arg('pk') as never);
    case 'rowsWhere':
      return t.rowsWhere(step.where as string | undefined, (arg('params') ?? []) as unknown[], options);
    case 'count':
      return t.count;
    case 'countWhere':
      return t.countWhere(step.where as string | undefined, (arg('params') ?? []) as unknown[]);
    case 'lookup':
      return t.lookup(arg('values') as Options, options);
    case 'lastPk':
      return t.lastPk ?? null;
    case 'create':
      t.create(step.columns as Record<string, string>, options);
      return null;
    case 'createIndex':
      t.createIndex(step.columns as string[], options);
      return null;
    case 'addColumn':
      t.addColumn(step.name as string, step.type as string | undefined, options);
      return null;
    case 'addForeignKey':
      t.addForeignKey(step.column as string, step.otherTable as string, step.otherColumn as string | undefined);
      return null;
    case 'transform':
      t.transform(options);
      return null;
    case 'extract':
      t.extract(step.columns as string | string[], options);
      return null;
    case 'enableFts':
      t.enableFts(step.columns as string[], options);
      return null;
    case 'search':
      return t.search(step.query as string, options);
    case 'drop':
      t.drop(options);
      return null;
    case 'execute':
      db.execute(step.sql as string, (arg('params') ?? []) as unknown[]);
      return null;
    case 'query':
      return db.query(step.sql as string, (arg('params') ?? []) as unknown[]).all();
    default:
      throw new Error(`node runner does not know the op ${step.op}`);
  }
}

const byKey = (key: (item: unknown[]) => string) => (a: unknown[], b: unknown[]) =>
  key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;

/** The database as runner.py's `dump` describes it: schema by pragmas, every value as `typeof:quote`. */
function dump(raw: BetterSqlite3.Database): Pick<Outcome, 'tables' | 'triggers'> {
  const tables: Outcome['tables'] = {};
  const listed = raw
    .prepare(
      "SELECT name, type FROM pragma_table_list WHERE schema = 'main' AND type IN ('table', 'virtual') " +
        "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
    )
    .all() as { name: string; type: string }[];
  for (const { name, type } of listed) {
    const columns = (
      raw.prepare('SELECT * FROM pragma_table_info(?) ORDER BY cid').all(name) as Record<string, unknown>[]
    ).map((row) => [row.name, row.type, row.notnull, row.dflt_value, row.pk]);
    const indexes = (
      raw.prepare('SELECT name, "unique", origin, partial FROM pragma_index_list(?)').all(name) as Record<
        string,
        unknown
      >[]
    )
      .map((index) => [
        index.name,
        raw.prepare('SELECT name FROM pragma_index_info(?) ORDER BY seqno').pluck().all(index.name),
        index.unique,
        index.origin,
        index.partial,
      ])
      .sort(byKey((index) => index[0] as string));
    const foreignKeys = (raw.prepare('SELECT * FROM pragma_foreign_key_list(?)').all(name) as Record<string, unknown>[])
      .map((fk) => [fk.from, fk.table, fk.to])
      .sort(byKey((fk) => fk.map(String).join('\0')));
    const virtual = type === 'virtual';
    let rows: string[][] = [];
    if (columns.length > 0 && !virtual) {
      const select = columns.map(
        (c) => `typeof(${quoteIdentifier(c[0] as string)}) || ':' || quote(${quoteIdentifier(c[0] as string)})`,
      );
      rows = raw
        .prepare(`SELECT ${select.join(', ')} FROM ${quoteIdentifier(name)} ORDER BY rowid`)
        .raw()
        .all() as string[][];
    }
    tables[name] = { columns, indexes, foreignKeys, rows, virtual };
  }
  const triggers = raw.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger'").pluck().all() as string[];
  return { tables, triggers: triggers.sort() };
}

/** Runs one case on a fresh in-memory database. */
export function runCase(testCase: Case): Outcome {
  const db = new Database(':memory:');
  const results: unknown[] = [];
  let error: Outcome['error'] = null;
  try {
    for (const [index, step] of testCase.steps.entries()) {
      try {
        results.push(encode(runStep(db, step)));
      } catch (problem) {
        if (problem instanceof Error && problem.message.startsWith('node runner does not know')) throw problem;
        error = { step: index, code: isSlicewiseError(problem) ? problem.code : 'MISUSE' };
        break;
      }
    }
    return { results, error, ...dump(db.raw) };
  } finally {
    db.close();
  }
}
