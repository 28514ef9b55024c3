/**
 * The two benchmarked routes as Slicewise requests. Bench fixtures: the real `get-active-users` slice does
 * not declare paging or an HTTP exposure yet, so these read the table it owns (it is required, so its migration
 * creates `users`), with the same input rules a real slice would declare.
 */
import { Database } from '@slicewise/db';
import { getActiveUsers } from '@slicewise/get-active-users';
import {
  declareRequest,
  defineSlice,
  handle,
  type InputOf,
  NotFoundError,
  Query,
  type RequestHandler,
} from '@slicewise/mediator';
import { Service } from 'typedi';
import { z } from 'zod';

/** A user as the routes return it. */
export interface UserDto {
  id: number;
  name: string;
  email: string;
  active: boolean;
}

interface UserRow {
  id: number;
  name: string;
  email: string;
  active: number;
}

const toDto = (row: UserRow): UserDto => ({ id: row.id, name: row.name, email: row.email, active: row.active === 1 });

const listInput = z.object({
  active: z.stringbool().optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  after: z.coerce.number().int().min(0).default(0),
});
/** A page of users by id, optionally only the active (or inactive) ones. */
export class ListUsers extends Query<UserDto[]> {
  static readonly declaration = declareRequest({
    input: listInput,
    description: 'A page of users',
    http: { method: 'GET', path: '/users' },
  });
  constructor(readonly input: InputOf<typeof listInput>) {
    super();
  }
}

const getInput = z.object({ id: z.coerce.number().int().positive() });
/** One user by id. */
export class GetUser extends Query<UserDto> {
  static readonly declaration = declareRequest({
    input: getInput,
    description: 'One user by id',
    http: { method: 'GET', path: '/users/{id}' },
  });
  constructor(readonly input: InputOf<typeof getInput>) {
    super();
  }
}

@Service()
class ListUsersHandler implements RequestHandler<ListUsers> {
  constructor(private readonly db: Database) {}
  handle({ input }: ListUsers): UserDto[] {
    const rows =
      input.active === undefined
        ? this.db.query<UserRow>('SELECT id, name, email, active FROM users WHERE id > ? ORDER BY id LIMIT ?', [
            input.after,
            input.limit,
          ])
        : this.db.query<UserRow>(
            'SELECT id, name, email, active FROM users WHERE active = ? AND id > ? ORDER BY id LIMIT ?',
            [input.active ? 1 : 0, input.after, input.limit],
          );
    return rows.map(toDto);
  }
}

@Service()
class GetUserHandler implements RequestHandler<GetUser> {
  constructor(private readonly db: Database) {}
  handle({ input }: GetUser): UserDto {
    const [row] = this.db.query<UserRow>('SELECT id, name, email, active FROM users WHERE id = ?', [input.id]);
    if (!row) throw new NotFoundError(`User ${input.id} does not exist`);
    return toDto(row);
  }
}

/** The bench's users slice. */
export const benchUsers = defineSlice({
  name: 'bench-users',
  requires: [getActiveUsers],
  handlers: [handle(ListUsers, ListUsersHandler), handle(GetUser, GetUserHandler)],
});
