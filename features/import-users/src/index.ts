import { createRequire } from 'node:module';
import { defineSlice, handleStream } from '@slicewise/mediator';
import { users } from '@slicewise/users';
import { ImportUsers, ImportUsersHandler } from './import-users.js';
import { SeedDemoUsers, SeedDemoUsersHandler } from './seed-demo-users.js';

const { name, version } = createRequire(import.meta.url)('../package.json') as { name: string; version: string };

/**
 * The import-users slice: `ImportUsers` (`POST /users/import`, `users import <file>`, `users:write`) and
 * `SeedDemoUsers` (`db seed`, `users:write`).
 */
export const importUsers = defineSlice({
  name,
  version,
  requires: [users],
  handlers: [handleStream(ImportUsers, ImportUsersHandler), handleStream(SeedDemoUsers, SeedDemoUsersHandler)],
});

export { type RegisteredUser, type UserDto, UsersRegistered } from '@slicewise/users';
export {
  defaultImportBatchSize,
  type ImportProgress,
  ImportUsers,
  type ImportUsersParams,
} from './import-users.js';
export type { ImportRejection } from './rows.js';
export { demoUser, SeedDemoUsers, type SeedProgress } from './seed-demo-users.js';
export { type ImportSource, maxLineLength } from './sources.js';
