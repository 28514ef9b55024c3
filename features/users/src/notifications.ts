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

/** One user of a {@link UsersRegistered} batch: the user, and when its row was written. */
export interface RegisteredUser extends UserDto {
  /** The row's `created_at`, an ISO-8601 UTC timestamp. */
  readonly registeredAt: string;
}

/**
 * Users were registered in bulk: one event per committed batch of an import (or of `db seed`), published in that
 * batch's transaction. A subscriber of {@link UserRegistered} that must see every user subscribes to this too. One
 * event per batch keeps a bulk import's log cost to one row per batch.
 */
export class UsersRegistered extends Notification {
  static readonly event = declareEvent({
    type: '@slicewise/users/UsersRegistered',
    payload: z.object({ users: z.array(userDtoSchema.extend({ registeredAt: isoTimestamp })) }),
  });

  constructor(readonly users: readonly RegisteredUser[]) {
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
