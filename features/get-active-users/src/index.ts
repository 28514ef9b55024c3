import { createRequire } from 'node:module';
import { defineSlice, handle } from '@slicewise/mediator';
import { users } from '@slicewise/users';
import { GetActiveUsers, GetActiveUsersHandler } from './get-active-users.js';

const { name, version } = createRequire(import.meta.url)('../package.json') as { name: string; version: string };

/** The get-active-users slice: compose it in a host with `slices: [getActiveUsers]`. */
export const getActiveUsers = defineSlice({
  name,
  version,
  requires: [users],
  handlers: [handle(GetActiveUsers, GetActiveUsersHandler)],
});

export type { UserDto } from '@slicewise/users';
export { GetActiveUsers, type GetActiveUsersParams, maxActiveUsersPage } from './get-active-users.js';
