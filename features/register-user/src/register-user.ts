import { Database } from '@slicewise/db';
import { ConflictError, defineCommand, type HandlerContext, type RequestHandler } from '@slicewise/mediator';
import { newUserSchema, toUserDto, type UserDto, UserRegistered, type UserRow, userDtoSchema } from '@slicewise/users';
import { Service } from 'typedi';

/**
 * Registers a user: name trimmed 1..100 characters, email trimmed, lowercased and unique case-insensitively.
 * Responds with the new user; `UserRegistered` is in the event log exactly when the row is in `users`.
 */
export class RegisterUser extends defineCommand({
  input: newUserSchema,
  output: userDtoSchema,
  description: 'Register a user by name and email; the email must not be registered yet',
  permissions: ['users:write'],
  meta: {
    http: { method: 'POST', path: '/users', status: 201 },
    cli: { command: 'users register', args: ['name', 'email'] },
  },
}) {}

/** Inserts the row and appends `UserRegistered` to the event log in one transaction. */
@Service()
export class RegisterUserHandler implements RequestHandler<RegisterUser> {
  constructor(private readonly db: Database) {}

  handle(_request: RegisterUser, context: HandlerContext<RegisterUser>): UserDto {
    const { input } = context;
    return this.db.atomic(() => {
      if (this.db.query('SELECT 1 FROM users WHERE email = ?', [input.email]).first()) {
        throw new ConflictError(`A user with email ${input.email} is already registered`, {
          details: { email: input.email },
        });
      }
      const row = this.db
        .query<UserRow>('INSERT INTO users (name, email) VALUES (?, ?) RETURNING *', [input.name, input.email])
        .first() as UserRow;
      const user = toUserDto(row);
      void context.publish(new UserRegistered(user, row.created_at)); // appended now, in this transaction
      return user;
    });
  }
}
