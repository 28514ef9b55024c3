import { createRequire } from 'node:module';
import { defineSlice, handle } from '@slicewise/mediator';
import { GetActiveUsers, GetActiveUsersHandler } from './get-active-users.js';
import { migrations } from './migrations.js';

const { name, version } = createRequire(import.meta.url)('../package.json') as { name: string; version: string };

/** The get-active-users slice: compose it in a host with `slices: [getActiveUsers]`. */
export const getActiveUsers = defineSlice({
  name,
  version,
  handlers: [handle(GetActiveUsers, GetActiveUsersHandler)],
  migrations,
});

export { GetActiveUsers } from './get-active-users.js';
export type { UserDto } from './user-dto.js';
