import { createRequire } from 'node:module';
import { defineSlice, handle } from '@slicewise/mediator';
import { users } from '@slicewise/users';
import { ListUsers, ListUsersHandler } from './list-users.js';

const { name, version } = createRequire(import.meta.url)('../package.json') as { name: string; version: string };

/** The list-users slice: `ListUsers`, which owns `GET /users` and `users list`. */
export const listUsers = defineSlice({
  name,
  version,
  requires: [users],
  handlers: [handle(ListUsers, ListUsersHandler)],
});

export type { UserDto } from '@slicewise/users';
export { defaultUsersPage, ListUsers, type ListUsersParams, maxUsersPage } from './list-users.js';
