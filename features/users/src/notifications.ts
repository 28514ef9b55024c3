import { Notification } from '@slicewise/mediator';
import type { UserDto } from './user.js';

/** A user was registered and the write is committed. Published by `register-user` and `import-users`. */
export class UserRegistered extends Notification {
  constructor(
    /** The new user, as `GetUser` would return it. */
    readonly user: UserDto,
    /** When the row was written: its `created_at`, an ISO-8601 UTC timestamp. */
    readonly registeredAt: string,
  ) {
    super();
  }
}

/** An active user was deactivated and the write is committed. Published once per user, by `deactivate-user`. */
export class UserDeactivated extends Notification {
  constructor(
    readonly userId: number,
    /** ISO-8601 UTC timestamp of the deactivation. */
    readonly deactivatedAt: string,
  ) {
    super();
  }
}
