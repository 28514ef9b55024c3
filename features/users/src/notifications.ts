import { declareEvent, Notification } from '@slicewise/mediator';
import { z } from 'zod';
import { type UserDto, userDtoSchema } from './user.js';

const isoTimestamp = z.iso.datetime();

/**
 * A user was registered. A durable event: `register-user` and `import-users` publish it inside the write's
 * transaction, so it is in the host's event log exactly when the row is.
 */
export class UserRegistered extends Notification {
  static readonly event = declareEvent({
    type: '@slicewise/users/UserRegistered',
    payload: z.object({ user: userDtoSchema, registeredAt: isoTimestamp }),
  });

  constructor(
    /** The new user, as `GetUser` would return it. */
    readonly user: UserDto,
    /** When the row was written: its `created_at`, an ISO-8601 UTC timestamp. */
    readonly registeredAt: string,
  ) {
    super();
  }
}

/** An active user was deactivated: a durable event, published once per user by `deactivate-user`, in its write. */
export class UserDeactivated extends Notification {
  static readonly event = declareEvent({
    type: '@slicewise/users/UserDeactivated',
    payload: z.object({ userId: z.number().int().positive(), deactivatedAt: isoTimestamp }),
  });

  constructor(
    readonly userId: number,
    /** ISO-8601 UTC timestamp of the deactivation. */
    readonly deactivatedAt: string,
  ) {
    super();
  }
}
