import { Database } from '@slicewise/db';
import { declareRequest, type InputOf, Query, type RequestHandler } from '@slicewise/mediator';
import { toUserDto, type UserDto, type UserRow, userDtoColumns, userDtoSchema } from '@slicewise/users';
import { Service } from 'typedi';
import { z } from 'zod';

/** Page size when none is asked for. */
export const defaultUsersPage = 50;
/** Largest page `ListUsers` returns. */
export const maxUsersPage = 500;

const booleanText = (value: unknown) => (value === 'true' ? true : value === 'false' ? false : value);

const input = z.object({
  /** `true`: active users only; `false`: inactive only; absent: everyone. `"true"`/`"false"` accepted. */
  active: z.preprocess(booleanText, z.boolean({ error: 'must be true or false' })).optional(),
  limit: z.coerce
    .number({ error: 'must be a number' })
    .int({ error: 'must be a whole number' })
    .min(1, { error: 'must be at least 1' })
    .max(maxUsersPage, { error: `must be at most ${maxUsersPage}` })
    .default(defaultUsersPage),
  offset: z.coerce
    .number({ error: 'must be a number' })
    .int({ error: 'must be a whole number' })
    .min(0, { error: 'must be at least 0' })
    .default(0),
});

const output = z.array(userDtoSchema);

/** What `new ListUsers(...)` takes; every field is optional. */
export interface ListUsersParams {
  active?: boolean;
  limit?: number;
  offset?: number;
}

/** One page of users, ordered by id: everyone, or only the active (`active: true`) or inactive (`false`) ones. */
export class ListUsers extends Query<UserDto[]> {
  static readonly declaration = declareRequest({
    input,
    output,
    description: 'List users by id, one page at a time: all of them, or only active=true / active=false',
    http: { method: 'GET', path: '/users' },
    cli: { command: 'users list' },
  });
  /** The validated input (the validation behavior replaces what the constructor was given). */
  readonly input: InputOf<typeof input>;

  constructor(params: ListUsersParams = {}) {
    super();
    this.input = params as InputOf<typeof input>;
  }
}

/** Reads one page of the `users` table. */
@Service()
export class ListUsersHandler implements RequestHandler<ListUsers> {
  constructor(private readonly db: Database) {}

  handle({ input }: ListUsers): UserDto[] {
    const page = { select: userDtoColumns, orderBy: 'id', limit: input.limit, offset: input.offset };
    const table = this.db.table<UserRow>('users');
    const rows =
      input.active === undefined
        ? table.rowsWhere(undefined, [], page)
        : table.rowsWhere('active = ?', [input.active ? 1 : 0], page);
    return rows.map(toUserDto);
  }
}
