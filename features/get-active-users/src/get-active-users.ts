import { Database } from '@slicewise/db';
import { defineQuery, type HandlerContext, type RequestHandler } from '@slicewise/mediator';
import { toUserDto, type UserDto, type UserRow, userDtoColumns, userDtoSchema } from '@slicewise/users';
import { Service } from 'typedi';
import { z } from 'zod';

/** Largest page `GetActiveUsers` returns. */
export const maxActiveUsersPage = 500;

const input = z.object({
  /** Page size, 1..500. Absent: every active user from `offset` on (what 0.1.0 returned). */
  limit: z.coerce
    .number({ error: 'must be a number' })
    .int({ error: 'must be a whole number' })
    .min(1, { error: 'must be at least 1' })
    .max(maxActiveUsersPage, { error: `must be at most ${maxActiveUsersPage}` })
    .optional(),
  /** Active users to skip, in id order. Default 0. */
  offset: z.coerce
    .number({ error: 'must be a number' })
    .int({ error: 'must be a whole number' })
    .min(0, { error: 'must be at least 0' })
    .default(0),
});

const output = z.array(userDtoSchema);

/** What `new GetActiveUsers(...)` takes; every field is optional. */
export type GetActiveUsersParams = z.input<typeof input>;

/**
 * The users whose account is active, ordered by id. With no argument, every active user (as in 0.1.0);
 * with `{ limit, offset }`, one page of them. A host that composes it exposes `GET /active-users` and `users active`.
 */
export class GetActiveUsers extends defineQuery({
  input,
  output,
  description: 'List the active users, ordered by id, optionally one page (limit, offset) at a time',
  meta: { http: { method: 'GET', path: '/active-users' }, cli: { command: 'users active' } },
}) {}

/** Reads active users from the `users` table. */
@Service()
export class GetActiveUsersHandler implements RequestHandler<GetActiveUsers> {
  constructor(private readonly db: Database) {}

  handle(_request: GetActiveUsers, { input }: HandlerContext<GetActiveUsers>): UserDto[] {
    const paging = input.limit === undefined && input.offset === 0 ? {} : { limit: input.limit, offset: input.offset };
    return this.db
      .table<UserRow>('users')
      .rowsWhere('active = ?', [1], { select: userDtoColumns, orderBy: 'id', ...paging })
      .map(toUserDto);
  }
}
