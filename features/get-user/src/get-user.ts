import { Database } from '@slicewise/db';
import { declareRequest, type InputOf, NotFoundError, Query, type RequestHandler } from '@slicewise/mediator';
import { toUserDto, type UserDto, type UserRow, userDtoColumns, userDtoSchema, userIdSchema } from '@slicewise/users';
import { Service } from 'typedi';
import { z } from 'zod';

const input = z.object({ id: userIdSchema });

/** One user by id; `NOT_FOUND` when there is none. */
export class GetUser extends Query<UserDto> {
  static readonly declaration = declareRequest({
    input,
    output: userDtoSchema,
    description: 'One user by id',
    http: { method: 'GET', path: '/users/{id}' },
    cli: { command: 'users get', args: ['id'] },
  });
  /** The validated input (the validation behavior replaces what the constructor was given). */
  readonly input: InputOf<typeof input>;

  constructor(params: { id: number }) {
    super();
    this.input = params;
  }
}

/** Reads one row of the `users` table. */
@Service()
export class GetUserHandler implements RequestHandler<GetUser> {
  constructor(private readonly db: Database) {}

  handle({ input }: GetUser): UserDto {
    const [row] = this.db.table<UserRow>('users').rowsWhere('id = ?', [input.id], { select: userDtoColumns });
    if (!row) throw new NotFoundError(`No user has id ${input.id}`, { details: { id: input.id } });
    return toUserDto(row);
  }
}
