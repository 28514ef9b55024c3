import { createHash } from 'node:crypto';

/**
 * The SHA-1 of a row (or of some of its columns) as sqlite-utils' `hash_record` computes it: the hex digest of
 * the row as Python's `json.dumps(row, separators=(",", ":"), sort_keys=True)` writes it (keys sorted, no
 * spaces, non-ASCII characters escaped), so both give a row the same id.
 */
export function hashRecord(row: Record<string, unknown>, columns?: readonly string[]): string {
  const hashed = columns === undefined ? row : Object.fromEntries(columns.map((column) => [column, row[column]]));
  return createHash('sha1').update(pythonJson(hashed), 'utf8').digest('hex');
}

const nonAscii = /[\u007f-\uffff]/g;

/** JSON as Python's `json.dumps(value, separators=(",", ":"), sort_keys=True)` (ASCII only) writes it. */
export function pythonJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) return Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
      return String(value);
    case 'bigint':
      return value.toString();
    case 'string':
      return JSON.stringify(value).replace(nonAscii, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
    default:
      break;
  }
  if (value instanceof Date) return pythonJson(value.toISOString());
  if (value instanceof Uint8Array) return pythonJson(Buffer.from(value).toString('hex'));
  if (Array.isArray(value)) return `[${value.map(pythonJson).join(',')}]`;
  const keys = Object.keys(value as object).sort();
  return `{${keys.map((key) => `${pythonJson(key)}:${pythonJson((value as Record<string, unknown>)[key])}`).join(',')}}`;
}
