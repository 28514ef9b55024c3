import { createRequire } from 'node:module';
import { defineSlice, handle } from '@slicewise/mediator';
import { users } from '@slicewise/users';
import { DeactivateUser, DeactivateUserHandler } from './deactivate-user.js';

const { name, version } = createRequire(import.meta.url)('../package.json') as { name: string; version: string };

/** The deactivate-user slice: `DeactivateUser` (`POST /users/{id}/deactivate`, `users deactivate <id>`, `users:write`). */
export const deactivateUser = defineSlice({
  name,
  version,
  requires: [users],
  handlers: [handle(DeactivateUser, DeactivateUserHandler)],
});

export { UserDeactivated, type UserDto } from '@slicewise/users';
export { DeactivateUser } from './deactivate-user.js';
