import { styleText } from 'node:util';

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

type Format = Parameters<typeof styleText>[0];

/** Styles with `util.styleText` when enabled; the stream check is ours (the stream may be a test double). */
const style =
  (enabled: boolean, format: Format) =>
  (text: string): string =>
    enabled ? styleText(format, text, { validateStream: false }) : text;

/**
 * Whether to colour what goes to `stream`, as Node decides for its own output: `FORCE_COLOR` wins (`''`, `1`, `2`,
 * `3`, `true` force colours on, anything else such as `0` off), else never with `NO_COLOR` set to anything
 * non-empty (https://no-color.org), else only on a terminal whose `TERM` is not `dumb`.
 */
export function colorsEnabled(stream: OutputStream, env: NodeJS.ProcessEnv): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined) return ['', '1', '2', '3', 'true'].includes(force);
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return stream.isTTY === true && env.TERM !== 'dumb';
}

/** The styles for `stream` (see {@link colorsEnabled}). */
export function colorsFor(stream: OutputStream, env: NodeJS.ProcessEnv): Colors {
  const enabled = colorsEnabled(stream, env);
  return {
    enabled,
    bold: style(enabled, 'bold'),
    dim: style(enabled, 'dim'),
    red: style(enabled, 'red'),
    green: style(enabled, 'green'),
    yellow: style(enabled, 'yellow'),
    cyan: style(enabled, 'cyan'),
  };
}

/**
 * Whether a UTF-16 code unit is a character a terminal may act on: C0 controls, DEL, C1 controls (U+009B is a
 * one-byte CSI) and the bidi embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069).
 */
function isControl(code: number): boolean {
  return (
    code <= 0x1f ||
    (code >= 0x7f && code <= 0x9f) ||
    (code >= 0x202a && code <= 0x202e) ||
    (code >= 0x2066 && code <= 0x2069)
  );
}

const escapeOf = (code: number) => `\\u${code.toString(16).padStart(4, '0')}`;

/**
 * The one escaper of everything the CLI prints as text (tables, fields, messages): each control character
 * becomes its visible `\u001b` form, so data can never move the cursor, clear the screen or draw fake rows.
 * `keepNewlines` leaves `\n` alone, for multi-line text the CLI composed itself (a stack).
 *
 * @example
 * escapeControl('Ada\u001b[2J'); // 'Ada\\u001b[2J'
 */
export function escapeControl(text: string, keepNewlines = false): string {
  let escaped = '';
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (!isControl(code) || (keepNewlines && code === 0x0a)) continue;
    escaped += text.slice(from, i) + escapeOf(code);
    from = i + 1;
  }
  return from === 0 ? text : escaped + text.slice(from);
}

/**
 * JSON text with the characters `JSON.stringify` leaves raw escaped too: DEL, C1 controls and bidi overrides
 * become `\u007f`, `\u009b`, `\u202e`… (C0 controls it escapes itself). The JSON means the same value; a terminal
 * showing it is not driven by it.
 */
export function toSafeJson(value: unknown, indent?: number): string {
  // Every control character left in JSON text is inside a string, where a \u escape means the same.
  return escapeControl(JSON.stringify(value ?? null, null, indent), true);
}

/** Writes a value as JSON, alone on stdout so it can be piped (escaped as {@link toSafeJson} says). */
export function writeJson(out: OutputStream, value: unknown): void {
  out.write(`${toSafeJson(value, 2)}\n`);
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return toSafeJson(value);
  return escapeControl(String(value));
}

/** The longest of `lengths`, at least `floor`: a loop, as a spread `Math.max` overflows the stack on long lists. */
function longest(floor: number, lengths: Iterable<number>): number {
  let max = floor;
  for (const length of lengths) if (length > max) max = length;
  return max;
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
    longest(
      escapeControl(column).length,
      cells.map((line) => (line[i] as string).length),
    ),
  );
  const pad = (text: string, i: number) =>
    numeric[i] ? text.padStart(widths[i] as number) : text.padEnd(widths[i] as number);
  const header = columns.map((column, i) => colors.bold(pad(escapeControl(column), i))).join('  ');
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
    const width = longest(
      0,
      keys.map((key) => escapeControl(key).length),
    );
    out.write(
      `${keys.map((key) => `${colors.bold(escapeControl(key).padEnd(width))}  ${cell(value[key])}`).join('\n')}\n`,
    );
  } else {
    out.write(`${cell(value)}\n`);
  }
}

/** `12345` → `12,345`. */
export function formatCount(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}
