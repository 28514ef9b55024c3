import { Database } from '@slicewise/db';
import { defineCommand, type HandlerContext, NotFoundError, type RequestHandler } from '@slicewise/mediator';
import { toUserDto, UserDeactivated, type UserDto, type UserRow, userDtoSchema, userIdSchema } from '@slicewise/users';
import { Service } from 'typedi';
import { z } from 'zod';

/**
 * Deactivates a user by id and responds with the user. Idempotent: deactivating an inactive user changes
 * nothing and publishes nothing; `UserDeactivated` is published once, after the write that changed the row commits.
 */
export class DeactivateUser extends defineCommand({
  input: z.object({ id: userIdSchema }),
  output: userDtoSchema,
  description: 'Deactivate a user by id (deactivating an inactive user is not an error)',
  permissions: ['users:write'],
  meta: {
    http: { method: 'POST', path: '/users/{id}/deactivate' },
    cli: { command: 'users deactivate', args: ['id'] },
  },
}) {}

/** Flips `active` to 0 in one transaction, then tells subscribers when it changed a row. */
@Service()
export class DeactivateUserHandler implements RequestHandler<DeactivateUser> {
  constructor(private readonly db: Database) {}

  handle(_request: DeactivateUser, context: HandlerContext<DeactivateUser>): UserDto {
    const { input } = context;
    const row = this.db.atomic(() => {
      const { changes } = this.db.execute('UPDATE users SET active = 0 WHERE id = ? AND active = 1', [input.id]);
      const [found] = this.db.table<UserRow>('users').rowsWhere('id = ?', [input.id]);
      // Appended in this transaction, once per user: only the update that deactivated it publishes.
      if (found && changes > 0) void context.publish(new UserDeactivated(found.id, new Date().toISOString()));
      return found;
    });
    if (!row) throw new NotFoundError(`No user has id ${input.id}`, { details: { id: input.id } });
    return toUserDto(row);
  }
}
