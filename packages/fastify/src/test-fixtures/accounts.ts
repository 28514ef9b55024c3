/**
 * Fixture slices for the API's tests (and nothing else): every shape of request the API must serve, on an
 * `accounts` table of their own. Not composed by the production entry point.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Database } from '@slicewise/db';
import {
  Command,
  ConflictError,
  declareRequest,
  defineSlice,
  type HandlerContext,
  handle,
  handleStream,
  type InputOf,
  NotFoundError,
  Query,
  type RequestHandler,
  type StreamHandler,
  StreamRequest,
} from '@slicewise/mediator';
import { Service } from 'typedi';
import { z } from 'zod';

/** An account as the API returns it. */
export interface AccountDto {
  id: number;
  handle: string;
  email: string;
  age: number | null;
}

/** The {@link AccountDto} as a schema: the `output` of the requests answering accounts. */
export const accountDtoSchema = z.object({
  id: z.number().int().positive(),
  handle: z.string(),
  email: z.string(),
  age: z.number().int().nullable(),
});

const accountFields = z.object({
  handle: z.string().regex(/^[a-z0-9_]{2,30}$/, 'must be 2 to 30 of a-z 0-9 _'),
  email: z.email(),
  age: z.number().int().min(0).max(150).optional(),
});

const getInput = z.object({ id: z.coerce.number().int().positive() });
/** One account by id; NOT_FOUND when there is none. */
export class GetAccount extends Query<AccountDto, InputOf<typeof getInput>> {
  static readonly declaration = declareRequest({
    input: getInput,
    output: accountDtoSchema,
    description: 'One account by id',
    meta: { http: { method: 'GET', path: '/accounts/{id}' } },
  });
  constructor(readonly input: z.input<typeof getInput>) {
    super();
  }
}

const listInput = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  after: z.coerce.number().int().min(0).default(0),
  minAge: z.coerce.number().int().min(0).optional(),
});
/** A page of accounts by id, with coerced query-string parameters. */
export class ListAccounts extends Query<AccountDto[], InputOf<typeof listInput>> {
  static readonly declaration = declareRequest({
    input: listInput,
    output: z.array(accountDtoSchema),
    description: 'A page of accounts, ordered by id',
    meta: { http: { method: 'GET', path: '/accounts' } },
  });
  constructor(readonly input: z.input<typeof listInput>) {
    super();
  }
}

/** Creates an account; CONFLICT when the handle is taken. */
export class CreateAccount extends Command<AccountDto, InputOf<typeof accountFields>> {
  static readonly declaration = declareRequest({
    input: accountFields,
    output: accountDtoSchema,
    description: 'Create an account',
    meta: { http: { method: 'POST', path: '/accounts', status: 201 } },
    permissions: ['accounts:write'],
  });
  constructor(readonly input: z.input<typeof accountFields>) {
    super();
  }
}

/** Deletes an account; 204 when done. */
export class DeleteAccount extends Command<void, InputOf<typeof getInput>> {
  static readonly declaration = declareRequest({
    input: getInput,
    description: 'Delete an account',
    meta: { http: { method: 'DELETE', path: '/accounts/{id}', status: 204 } },
    permissions: ['accounts:admin'],
  });
  constructor(readonly input: z.input<typeof getInput>) {
    super();
  }
}

const importInput = z.object({
  body: z.custom<AsyncIterable<Uint8Array>>(
    (value) => typeof (value as AsyncIterable<Uint8Array> | null)?.[Symbol.asyncIterator] === 'function',
    'an NDJSON body is required',
  ),
  dryRun: z.stringbool().default(false),
});
/** One line of an import's progress. */
export interface ImportProgress {
  line: number;
  status: 'created' | 'conflict' | 'invalid' | 'checked';
  id?: number;
  message?: string;
}
/** Imports accounts from an NDJSON body, one account per line, yielding progress per line. */
export class ImportAccounts extends StreamRequest<ImportProgress, InputOf<typeof importInput>> {
  static readonly declaration = declareRequest({
    input: importInput,
    description: 'Import accounts from NDJSON, one per line',
    meta: { http: { method: 'POST', path: '/accounts/import', body: 'ndjson' } },
    permissions: ['accounts:write'],
  });
  constructor(readonly input: z.input<typeof importInput>) {
    super();
  }
}

/** Internal: how many accounts exist. Declares no HTTP exposure, so the API must not mount it. */
export class CountAccounts extends Query<number> {}

const slowInput = z.object({ ms: z.coerce.number().int().min(0).max(60_000) });
/** Waits `ms` milliseconds or until cancelled, recording what its signal said. */
export class WaitAWhile extends Query<{ waited: number }, InputOf<typeof slowInput>> {
  static readonly declaration = declareRequest({
    input: slowInput,
    description: 'Wait a while (tests cancellation and deadlines)',
    meta: { http: { method: 'GET', path: '/fixtures/wait' } },
  });
  constructor(readonly input: z.input<typeof slowInput>) {
    super();
  }
}

/** Fails with an error whose message holds SQL, as a broken dependency would. */
export class Explode extends Query<never> {
  static readonly declaration = declareRequest({
    description: 'Always fails',
    meta: { http: { method: 'GET', path: '/fixtures/explode' } },
  });
}

/** A handler whose SQL has a typo (`emial`): our bug, so 500 INTERNAL, never the SQL or the schema in the answer. */
export class SelectTypo extends Query<unknown[]> {
  static readonly declaration = declareRequest({
    description: 'Reads a column that does not exist',
    meta: { http: { method: 'GET', path: '/fixtures/typo' } },
  });
}

/** The reasons the signals of cancelled `WaitAWhile` dispatches gave, newest last. */
export const observedAborts: { correlationId: string; reason: string }[] = [];
/** The correlation ids of the `WaitAWhile` dispatches that started, so a test cancels one once it runs. */
export const observedStarts: string[] = [];

const toDto = (row: AccountDto): AccountDto => ({ id: row.id, handle: row.handle, email: row.email, age: row.age });

function insertAccount(db: Database, input: InputOf<typeof accountFields>): AccountDto {
  const taken = db.query('SELECT 1 FROM accounts WHERE handle = ?', [input.handle]).first();
  if (taken) throw new ConflictError(`The handle ${input.handle} is taken`, { details: { field: 'handle' } });
  const { lastInsertRowid } = db.execute('INSERT INTO accounts (handle, email, age) VALUES (?, ?, ?)', [
    input.handle,
    input.email,
    input.age ?? null,
  ]);
  return { id: Number(lastInsertRowid), handle: input.handle, email: input.email, age: input.age ?? null };
}

@Service()
class GetAccountHandler implements RequestHandler<GetAccount> {
  constructor(private readonly db: Database) {}
  handle(_request: GetAccount, { input }: HandlerContext<GetAccount>): AccountDto {
    const [row] = this.db.query<AccountDto>('SELECT id, handle, email, age FROM accounts WHERE id = ?', [input.id]);
    if (!row) throw new NotFoundError(`Account ${input.id} does not exist`, { details: { id: input.id } });
    return toDto(row);
  }
}

@Service()
class ListAccountsHandler implements RequestHandler<ListAccounts> {
  constructor(private readonly db: Database) {}
  handle(_request: ListAccounts, { input }: HandlerContext<ListAccounts>): AccountDto[] {
    return this.db
      .query<AccountDto>(
        'SELECT id, handle, email, age FROM accounts WHERE id > ? AND coalesce(age, 0) >= ? ORDER BY id LIMIT ?',
        [input.after, input.minAge ?? 0, input.limit],
      )
      .all()
      .map(toDto);
  }
}

@Service()
class CreateAccountHandler implements RequestHandler<CreateAccount> {
  constructor(private readonly db: Database) {}
  handle(_request: CreateAccount, { input }: HandlerContext<CreateAccount>): AccountDto {
    return this.db.atomic(() => insertAccount(this.db, input));
  }
}

@Service()
class DeleteAccountHandler implements RequestHandler<DeleteAccount> {
  constructor(private readonly db: Database) {}
  handle(_request: DeleteAccount, { input }: HandlerContext<DeleteAccount>): void {
    const { changes } = this.db.execute('DELETE FROM accounts WHERE id = ?', [input.id]);
    if (changes === 0) throw new NotFoundError(`Account ${input.id} does not exist`);
  }
}

async function* linesOf(body: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let pending = '';
  for await (const chunk of body) {
    pending += decoder.decode(chunk, { stream: true });
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    yield* lines;
  }
  pending += decoder.decode();
  if (pending !== '') yield pending;
}

@Service()
class ImportAccountsHandler implements StreamHandler<ImportAccounts> {
  constructor(private readonly db: Database) {}
  async *handle(_request: ImportAccounts, { input }: HandlerContext<ImportAccounts>): AsyncIterable<ImportProgress> {
    let line = 0;
    for await (const text of linesOf(input.body)) {
      line += 1;
      if (text.trim() === '') continue;
      let parsed: ReturnType<typeof accountFields.safeParse>;
      try {
        parsed = accountFields.safeParse(JSON.parse(text));
      } catch {
        yield { line, status: 'invalid', message: 'not JSON' };
        continue;
      }
      if (!parsed.success) {
        yield { line, status: 'invalid', message: parsed.error.issues.map((issue) => issue.message).join('; ') };
        continue;
      }
      if (input.dryRun) {
        yield { line, status: 'checked' };
        continue;
      }
      try {
        const account = this.db.atomic(() => insertAccount(this.db, parsed.data));
        yield { line, status: 'created', id: account.id };
      } catch (error) {
        if (!(error instanceof ConflictError)) throw error;
        yield { line, status: 'conflict', message: error.message };
      }
    }
  }
}

@Service()
class CountAccountsHandler implements RequestHandler<CountAccounts> {
  constructor(private readonly db: Database) {}
  handle(): number {
    return this.db.table('accounts').countWhere();
  }
}

@Service()
class WaitAWhileHandler implements RequestHandler<WaitAWhile> {
  async handle(_request: WaitAWhile, context: HandlerContext<WaitAWhile>): Promise<{ waited: number }> {
    const { input } = context;
    observedStarts.push(context.correlationId);
    try {
      await sleep(input.ms, undefined, { signal: context.signal });
    } catch (error) {
      const reason = context.signal.reason as { code?: string; name?: string } | undefined;
      observedAborts.push({ correlationId: context.correlationId, reason: reason?.code ?? reason?.name ?? 'unknown' });
      throw error;
    }
    return { waited: input.ms };
  }
}

@Service()
class SelectTypoHandler implements RequestHandler<SelectTypo> {
  constructor(private readonly db: Database) {}
  handle(): unknown[] {
    return this.db.query('SELECT emial FROM users').all();
  }
}

@Service()
class ExplodeHandler implements RequestHandler<Explode> {
  handle(): never {
    throw new Error('SQLITE_ERROR: no such column: password_hash in SELECT password_hash FROM secrets', {
      cause: new Error('disk I/O'),
    });
  }
}

/** The fixture slice: accounts, with one request of each shape the API serves. */
export const accounts = defineSlice({
  name: 'fixture-accounts',
  version: '0.0.0',
  handlers: [
    handle(GetAccount, GetAccountHandler),
    handle(ListAccounts, ListAccountsHandler),
    handle(CreateAccount, CreateAccountHandler),
    handle(DeleteAccount, DeleteAccountHandler),
    handleStream(ImportAccounts, ImportAccountsHandler),
    handle(CountAccounts, CountAccountsHandler),
    handle(WaitAWhile, WaitAWhileHandler),
    handle(Explode, ExplodeHandler),
    handle(SelectTypo, SelectTypoHandler),
  ],
  migrations: [
    {
      name: '001-create-accounts',
      up: `CREATE TABLE accounts (
        id INTEGER PRIMARY KEY,
        handle TEXT NOT NULL UNIQUE,
        email TEXT NOT NULL,
        age INTEGER,
        created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
      )`,
    },
  ],
});
