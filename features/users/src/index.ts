import { createRequire } from 'node:module';
import { defineSlice } from '@slicewise/mediator';
import { migrations } from './migrations.js';

const { name, version } = createRequire(import.meta.url)('../package.json') as { name: string; version: string };

/**
 * The users shared model: a slice without handlers that owns the `users` table. User slices list it in
 * `requires`, so any host composing one of them migrates the table once.
 */
export const users = defineSlice({ name, version, migrations });

export { type RegisteredUser, UserDeactivated, UserRegistered, UsersRegistered } from './notifications.js';
export {
  findControlCharacter,
  maxEmailLength,
  maxNameLength,
  type NewUser,
  newUserSchema,
  plainText,
  toUserDto,
  type UserDto,
  type UserRow,
  userDtoColumns,
  userDtoSchema,
  userEmailSchema,
  userIdSchema,
  userNameSchema,
} from './user.js';
