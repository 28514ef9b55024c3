import { Database } from '@slicewise/db';
import { Query, type RequestHandler } from '@slicewise/mediator';
import { Service } from 'typedi';
import { toUserDto, type UserDto, type UserRow } from './user-dto.js';

/** The users whose account is active, by id. */
export class GetActiveUsers extends Query<UserDto[]> {}

/** Reads active users from the `users` table. */
@Service()
export class GetActiveUsersHandler implements RequestHandler<GetActiveUsers> {
  constructor(private readonly db: Database) {}

  handle(): UserDto[] {
    return this.db.table<UserRow>('users').rowsWhere('active = ?', [1], { orderBy: 'id' }).map(toUserDto);
  }
}
