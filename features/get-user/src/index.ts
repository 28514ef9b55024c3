import { createRequire } from 'node:module';
import { defineSlice, handle } from '@slicewise/mediator';
import { users } from '@slicewise/users';
import { GetUser, GetUserHandler } from './get-user.js';

const { name, version } = createRequire(import.meta.url)('../package.json') as { name: string; version: string };

/** The get-user slice: `GetUser`, one user by id (`GET /users/{id}`, `users get <id>`). */
export const getUser = defineSlice({
  name,
  version,
  requires: [users],
  handlers: [handle(GetUser, GetUserHandler)],
});

export type { UserDto } from '@slicewise/users';
export { GetUser } from './get-user.js';
