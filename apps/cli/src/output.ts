/** Where the CLI writes: `process.stdout`/`process.stderr`, or a test double. */
export interface OutputStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

/** ANSI styles, or identity functions when colours are off. */
export interface Colors {
  readonly enabled: boolean;
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
}

const style =
  (enabled: boolean, open: number, close: number) =>
  (text: string): string =>
    enabled ? `\u001b[${open}m${text}\u001b[${close}m` : text;

/** Colours only on a terminal, and never when `NO_COLOR` is set to anything (https://no-color.org). */
export function colorsFor(stream: OutputStream, env: NodeJS.ProcessEnv): Colors {
  const enabled = stream.isTTY === true && (env.NO_COLOR === undefined || env.NO_COLOR === '') && env.TERM !== 'dumb';
  return {
    enabled,
    bold: style(enabled, 1, 22),
    dim: style(enabled, 2, 22),
    red: style(enabled, 31, 39),
    green: style(enabled, 32, 39),
    yellow: style(enabled, 33, 39),
    cyan: style(enabled, 36, 39),
  };
}

/** Writes a value as JSON, alone on stdout so it can be piped. */
export function writeJson(out: OutputStream, value: unknown): void {
  out.write(`${JSON.stringify(value ?? null, null, 2)}\n`);
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** The columns of a list of rows: every key, in first-seen order. */
export function columnsOf(rows: readonly Record<string, unknown>[]): string[] {
  const columns = new Set<string>();
  for (const row of rows) for (const key of Object.keys(row)) columns.add(key);
  return [...columns];
}

/** Writes rows as an aligned table with a header (numbers right-aligned); an empty list says so. */
export function writeTable(
  out: OutputStream,
  rows: readonly Record<string, unknown>[],
  colors: Colors,
  columns: readonly string[] = columnsOf(rows),
): void {
  if (rows.length === 0) {
    out.write(`${colors.dim('(no rows)')}\n`);
    return;
  }
  const numeric = columns.map((column) => rows.every((row) => typeof row[column] === 'number'));
  const cells = rows.map((row) => columns.map((column) => cell(row[column])));
  const widths = columns.map((column, i) =>
    Math.max(column.length, ...cells.map((line) => (line[i] as string).length)),
  );
  const pad = (text: string, i: number) =>
    numeric[i] ? text.padStart(widths[i] as number) : text.padEnd(widths[i] as number);
  const header = columns.map((column, i) => colors.bold(pad(column, i))).join('  ');
  const body = cells.map((line) => line.map(pad).join('  ').trimEnd());
  out.write(`${header.trimEnd()}\n${body.join('\n')}\n`);
}

function isRow(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An object with exactly one array, of objects, and scalars beside it. */
function isPage(value: Record<string, unknown>): boolean {
  const fields = Object.values(value);
  const arrays = fields.filter(Array.isArray);
  return (
    arrays.length === 1 &&
    (arrays[0] as unknown[]).every(isRow) &&
    fields.every((field) => Array.isArray(field) || typeof field !== 'object' || field === null)
  );
}

/**
 * Writes a response for people: a list of objects as a table, a page (one list beside scalars) as its table
 * then its other fields, one object as `field  value` lines, a primitive as it is, and nothing (`Done.`) for a command that returns nothing.
 */
export function writeReadable(out: OutputStream, value: unknown, colors: Colors): void {
  if (value === undefined || value === null) {
    out.write(`${colors.green('Done.')}\n`);
  } else if (Array.isArray(value)) {
    if (value.every(isRow)) writeTable(out, value, colors);
    else out.write(`${value.map(cell).join('\n')}\n`);
  } else if (isRow(value) && isPage(value)) {
    // A page (`{ items: [...], nextCursor, total }`): the rows as a table, then the other fields.
    const [key, rows] = Object.entries(value).find(([, field]) => Array.isArray(field)) as [string, unknown[]];
    writeReadable(out, rows, colors);
    const { [key]: _rows, ...rest } = value;
    if (Object.keys(rest).length > 0) {
      out.write('\n');
      writeReadable(out, rest, colors);
    }
  } else if (isRow(value)) {
    const keys = Object.keys(value);
    const width = Math.max(0, ...keys.map((key) => key.length));
    out.write(`${keys.map((key) => `${colors.bold(key.padEnd(width))}  ${cell(value[key])}`).join('\n')}\n`);
  } else {
    out.write(`${cell(value)}\n`);
  }
}

/** `12345` → `12,345`. */
export function formatCount(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}
