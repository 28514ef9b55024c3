import { extname } from 'node:path';
import { Database } from '@slicewise/db';
import {
  abortedError,
  type DispatchContext,
  declareRequest,
  type HandlerContext,
  type InputOf,
  type StreamHandler,
  StreamRequest,
  ValidationError,
} from '@slicewise/mediator';
import { type NewUser, type RegisteredUser, type UserRow, UsersRegistered } from '@slicewise/users';
import { Service } from 'typedi';
import { z } from 'zod';
import {
  type CsvHeader,
  type ImportRejection,
  type ParsedRow,
  parseCsvHeader,
  parseCsvRow,
  parseNdjsonRow,
} from './rows.js';
import { type ImportSource, type Line, linesOf, maxLineLength } from './sources.js';

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Rows per transaction unless `batch` says otherwise. */
export const defaultImportBatchSize = 1000;

const input = z.object({
  /** A CSV or NDJSON file to read (the CLI's way). Not allowed together with a body. */
  file: z.string({ error: 'must be a path' }).trim().min(1, { error: 'must not be empty' }).optional(),
  /** `csv` or `ndjson`. Default: from the file's extension (`.csv`; `.ndjson`, `.jsonl`), `ndjson` for a body. */
  format: z.enum(['csv', 'ndjson'], { error: 'must be csv or ndjson' }).optional(),
  /** Rows per transaction, 1..10000. Default 1000. */
  batch: z.coerce
    .number({ error: 'must be a number' })
    .int({ error: 'must be a whole number' })
    .min(1, { error: 'must be at least 1' })
    .max(10_000, { error: 'must be at most 10000' })
    .default(defaultImportBatchSize),
});

/** Where an import stands, yielded after each committed batch; the last one has `done: true`. */
export interface ImportProgress {
  /** Data lines read so far (blank lines and the CSV header not counted). */
  read: number;
  /** Users inserted and committed so far. */
  imported: number;
  /** Rows rejected so far. */
  rejected: number;
  /** The rows rejected since the previous progress item, with line numbers and reasons. */
  rejections: ImportRejection[];
  done: boolean;
}

/** What `new ImportUsers(...)` takes: a `file`, or (hosts) a `body` stream; `body` is kept out of validation. */
export interface ImportUsersParams {
  file?: string;
  format?: 'csv' | 'ndjson';
  batch?: number;
  /** The data itself: an HTTP request body (a Node `Readable`), any async iterable of text/bytes, or a string. */
  body?: ImportSource;
}

/**
 * Registers users in bulk from CSV or NDJSON, streaming: reads line by line, validates each row like
 * `RegisterUser`, inserts in batched transactions and yields {@link ImportProgress} after each batch.
 */
export class ImportUsers extends StreamRequest<ImportProgress, InputOf<typeof input>> {
  static readonly declaration = declareRequest({
    input,
    description: 'Register users in bulk from a CSV or NDJSON file or body, reporting progress per batch',
    permissions: ['users:write'],
    meta: {
      http: { method: 'POST', path: '/users/import', body: 'ndjson' },
      cli: { command: 'users import', args: ['file'] },
      // Bulk writes: a host with a worker thread runs them there, off the event loop that serves reads.
      worker: true,
    },
  });
  /** The declared input as given; the handler reads it validated from `context.input`. */
  readonly input: z.input<typeof input>;
  /** The undeclared source stream, when a host passed one as `body`. */
  readonly body: ImportSource | undefined;

  constructor(params: ImportUsersParams) {
    super();
    const { body, ...declared } = params;
    this.input = declared;
    this.body = body;
  }
}

function formatOf(file: string | undefined, format: 'csv' | 'ndjson' | undefined): 'csv' | 'ndjson' {
  if (format) return format;
  if (file === undefined) return 'ndjson';
  const extension = extname(file).toLowerCase();
  if (extension === '.csv') return 'csv';
  if (extension === '.ndjson' || extension === '.jsonl') return 'ndjson';
  throw new ValidationError(`Cannot tell the format of ${file}: pass format csv or ndjson`, [
    { path: ['format'], message: 'is required when the file does not end in .csv, .ndjson or .jsonl' },
  ]);
}

/** What inserting a user makes: its id, its default `active` and its `created_at`. */
type Made = Pick<UserRow, 'id' | 'active' | 'created_at'>;

/** Streams the import: batches of rows, each in one transaction, progress after each. */
@Service()
export class ImportUsersHandler implements StreamHandler<ImportUsers> {
  constructor(private readonly db: Database) {}

  async *handle(request: ImportUsers, context: HandlerContext<ImportUsers>): AsyncGenerator<ImportProgress> {
    const { file, batch: batchSize } = context.input;
    if ((file === undefined) === (request.body === undefined)) {
      const message = file === undefined ? 'is required (or a body from the host)' : 'cannot be combined with a body';
      throw new ValidationError(`ImportUsers needs either a file or a body: file ${message}`, [
        { path: ['file'], message },
      ]);
    }
    const format = formatOf(file, context.input.format);
    const progress: ImportProgress = { read: 0, imported: 0, rejected: 0, rejections: [], done: false };
    let header: CsvHeader | undefined;
    let batch: ParsedRow[] = [];

    const parse = (line: Line): ParsedRow | undefined => {
      if (line.tooLong) {
        return {
          line: line.number,
          rejection: { line: line.number, code: 'MALFORMED', reason: `longer than ${maxLineLength} characters` },
        };
      }
      if (line.text.trim() === '') return undefined;
      if (format === 'ndjson') return parseNdjsonRow(line.number, line.text);
      if (!header) {
        header = parseCsvHeader(line.text);
        if (!header) {
          throw new ValidationError(`Line ${line.number}: the CSV header must name a name and an email column`, [
            { path: ['file'], message: 'CSV header lacks name or email' },
          ]);
        }
        return undefined;
      }
      return parseCsvRow(line.number, line.text, header);
    };

    const source = file === undefined ? { body: request.body as ImportSource } : { file };
    for await (const lines of linesOf(source)) {
      for (const line of lines) {
        const row = parse(line);
        if (!row) continue;
        batch.push(row);
        if (batch.length >= batchSize) {
          // A body already buffered would be read and written in microtasks alone, starving every other request
          // of the host's thread: the event loop gets a turn after reading and validating a batch, and another
          // after writing it, so neither the parsing nor the transaction adds to the other's wait.
          await nextTurn();
          yield this.#commit(batch, progress, context);
          batch = [];
          await nextTurn();
        }
      }
    }
    if (batch.length > 0) yield this.#commit(batch, progress, context);
    yield { ...progress, rejections: [], done: true };
  }

  /** Writes one batch and its `UsersRegistered` event in one transaction: all of it or none. */
  #commit(batch: readonly ParsedRow[], progress: ImportProgress, context: DispatchContext): ImportProgress {
    if (context.signal.aborted) {
      // TIMEOUT when the deadline passed, CANCELLED when the caller gave up: the same as between two batches.
      throw abortedError(
        context.signal,
        `Import stopped after ${progress.imported} imported rows; committed batches are kept`,
        { details: { ...progress, rejections: undefined } },
      );
    }
    // The name and email are the ones bound: only what SQLite made is read back.
    const insert = this.db.prepare(
      'INSERT INTO users (name, email) VALUES (?, ?) ON CONFLICT (email) DO NOTHING RETURNING id, active, created_at',
    );
    const { inserted, rejections } = this.db.atomic(() => {
      const registered: RegisteredUser[] = [];
      const rejections: ImportRejection[] = [];
      for (const row of batch) {
        if ('rejection' in row) {
          rejections.push(row.rejection);
          continue;
        }
        const user: NewUser = row.user;
        const written = insert.get(user.name, user.email) as Made | undefined;
        if (written) {
          const { id, active, created_at: registeredAt } = written;
          registered.push({ id, name: user.name, email: user.email, active: active === 1, registeredAt });
        } else
          rejections.push({ line: row.line, code: 'CONFLICT', reason: `email ${user.email} is already registered` });
      }
      // One event for the batch, appended in its transaction: the rows and the event commit together.
      if (registered.length > 0) void context.publish(new UsersRegistered(registered));
      return { inserted: registered.length, rejections };
    });
    progress.read += batch.length;
    progress.imported += inserted;
    progress.rejected += rejections.length;
    return { ...progress, rejections };
  }
}
