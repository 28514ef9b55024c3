import { type NewUser, newUserSchema } from '@slicewise/users';

/** A row that could not be imported: its line, why, and a code (`MALFORMED`, `VALIDATION` or `CONFLICT`). */
export interface ImportRejection {
  line: number;
  code: 'MALFORMED' | 'VALIDATION' | 'CONFLICT';
  reason: string;
}

/** The outcome of reading one line: a valid registration, or a rejection. */
export type ParsedRow = { line: number; user: NewUser } | { line: number; rejection: ImportRejection };

const malformed = (line: number, reason: string): ParsedRow => ({
  line,
  rejection: { line, code: 'MALFORMED', reason },
});

/** Validates a decoded record with the same rules as `RegisterUser` (`newUserSchema` of `@slicewise/users`). */
export function validateRow(line: number, record: unknown): ParsedRow {
  const result = newUserSchema.safeParse(record);
  if (result.success) return { line, user: result.data };
  const reason = result.error.issues.map((issue) => `${issue.path.join('.') || 'row'}: ${issue.message}`).join('; ');
  return { line, rejection: { line, code: 'VALIDATION', reason } };
}

/** One NDJSON line: a JSON object with `name` and `email` (other keys are ignored). */
export function parseNdjsonRow(line: number, text: string): ParsedRow {
  let record: unknown;
  try {
    record = JSON.parse(text);
  } catch {
    return malformed(line, 'not valid JSON');
  }
  if (typeof record !== 'object' || record === null || Array.isArray(record)) {
    return malformed(line, 'not a JSON object');
  }
  return validateRow(line, record);
}

/**
 * Splits one CSV line into fields (RFC 4180 quoting: `"a, b"`, `"say ""hi"""`). Returns undefined when a quote is
 * not closed. Fields cannot span lines.
 */
export function splitCsvLine(text: string): string[] | undefined {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (text[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        const quote = text.indexOf('"', i);
        if (quote < 0) return undefined;
        value += text.slice(i, quote);
        if (text[quote + 1] === '"') {
          value += '"';
          i = quote + 2;
        } else {
          i = quote + 1;
          break;
        }
      }
      if (i < text.length && text[i] !== ',') return undefined;
      fields.push(value);
    } else {
      const comma = text.indexOf(',', i);
      fields.push(text.slice(i, comma < 0 ? text.length : comma));
      i = comma < 0 ? text.length : comma;
    }
    if (i >= text.length) return fields;
    i++; // the comma
  }
}

/** The columns a CSV header names: where `name` and `email` are, and how many fields a row may have. */
export interface CsvHeader {
  name: number;
  email: number;
  width: number;
}

/** Reads the header line; undefined when it lacks a `name` or an `email` column. */
export function parseCsvHeader(text: string): CsvHeader | undefined {
  const columns = (splitCsvLine(text) ?? []).map((column) => column.trim().toLowerCase());
  const name = columns.indexOf('name');
  const email = columns.indexOf('email');
  return name < 0 || email < 0 ? undefined : { name, email, width: columns.length };
}

/** One CSV data line, read with the header's columns. */
export function parseCsvRow(line: number, text: string, header: CsvHeader): ParsedRow {
  const fields = splitCsvLine(text);
  if (!fields) return malformed(line, 'unbalanced quotes');
  if (fields.length > header.width) {
    return malformed(line, `${fields.length} fields where the header has ${header.width}`);
  }
  return validateRow(line, { name: fields[header.name], email: fields[header.email] });
}
