import { Database } from '@slicewise/db';
import { defineQuery, type HandlerContext, NotFoundError, type RequestHandler } from '@slicewise/mediator';
import { toUserDto, type UserDto, type UserRow, userDtoColumns, userDtoSchema, userIdSchema } from '@slicewise/users';
import { Service } from 'typedi';
import { z } from 'zod';

/** One user by id; `NOT_FOUND` when there is none. */
export class GetUser extends defineQuery({
  input: z.object({ id: userIdSchema }),
  output: userDtoSchema,
  description: 'One user by id',
  meta: {
    http: { method: 'GET', path: '/users/{id}' },
    cli: { command: 'users get', args: ['id'] },
  },
}) {}

/** One user's row by primary key (`first()` reads one row, without an array around it). */
const byId = `SELECT ${userDtoColumns} FROM users WHERE id = ?`;

/** Reads one row of the `users` table. */
@Service()
export class GetUserHandler implements RequestHandler<GetUser> {
  constructor(private readonly db: Database) {}

  handle(_request: GetUser, { input }: HandlerContext<GetUser>): UserDto {
    const row = this.db.query<UserRow>(byId, [input.id]).first();
    if (!row) throw new NotFoundError(`No user has id ${input.id}`, { details: { id: input.id } });
    return toUserDto(row);
  }
}
