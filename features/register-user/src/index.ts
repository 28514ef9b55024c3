import { createRequire } from 'node:module';
import { defineSlice, handle } from '@slicewise/mediator';
import { users } from '@slicewise/users';
import { RegisterUser, RegisterUserHandler } from './register-user.js';

const { name, version } = createRequire(import.meta.url)('../package.json') as { name: string; version: string };

/** The register-user slice: `RegisterUser` (`POST /users`, `users register <name> <email>`, `users:write`). */
export const registerUser = defineSlice({
  name,
  version,
  requires: [users],
  handlers: [handle(RegisterUser, RegisterUserHandler)],
});

export { type UserDto, UserRegistered } from '@slicewise/users';
export { RegisterUser } from './register-user.js';
