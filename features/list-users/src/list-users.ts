import { Database } from '@slicewise/db';
import { defineQuery, type HandlerContext, type RequestHandler } from '@slicewise/mediator';
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
  /** The cursor: users with an id greater than this one (the last id of the previous page). */
  after: z.coerce
    .number({ error: 'must be a number' })
    .int({ error: 'must be a whole number' })
    .min(0, { error: 'must be at least 0' })
    .optional(),
  /** Users to skip (after `after`, if given). Kept for compatibility: it reads every skipped row; page by `after`. */
  offset: z.coerce
    .number({ error: 'must be a number' })
    .int({ error: 'must be a whole number' })
    .min(0, { error: 'must be at least 0' })
    .default(0),
});

const output = z.array(userDtoSchema);

/** What `new ListUsers(...)` takes; every field is optional. */
export type ListUsersParams = z.input<typeof input>;

/**
 * One page of users, ordered by id: everyone, or only the active (`active: true`) or inactive (`false`) ones.
 * Page with `after` (the last id of the previous page): each page is read through the primary key at any depth.
 */
export class ListUsers extends defineQuery({
  input,
  output,
  description: 'List users by id, one page at a time (after=<last id>): all of them, or only active=true / false',
  meta: {
    http: { method: 'GET', path: '/users', paging: { after: 'id' } },
    cli: { command: 'users list' },
  },
}) {}

/** Reads one page of the `users` table. */
@Service()
export class ListUsersHandler implements RequestHandler<ListUsers> {
  constructor(private readonly db: Database) {}

  handle(_request: ListUsers, { input }: HandlerContext<ListUsers>): UserDto[] {
    const page = { select: userDtoColumns, orderBy: 'id', limit: input.limit, offset: input.offset };
    const conditions: string[] = [];
    const values: unknown[] = [];
    if (input.after !== undefined) {
      conditions.push('id > ?');
      values.push(input.after);
    }
    if (input.active !== undefined) {
      conditions.push('active = ?');
      values.push(input.active ? 1 : 0);
    }
    const where = conditions.length > 0 ? conditions.join(' AND ') : undefined;
    return this.db.table<UserRow>('users').rowsWhere(where, values, page).map(toUserDto);
  }
}
