import type { Behavior } from './behavior.js';
import type { SubscriptionRegistration } from './event.js';
import type { HandlerRegistration } from './handler.js';
import type { MessageClass } from './messages.js';
import type { Scoped } from './scope.js';

/**
 * A named, ordered schema change a slice brings: SQL, or a synchronous function of the host's database.
 * The same shape as `@slicewise/db`'s `Migration`, which applies it; the mediator does not depend on the db.
 */
export interface SliceMigration {
  readonly name: string;
  // biome-ignore lint/suspicious/noExplicitAny: the database type belongs to @slicewise/db
  readonly up: string | ((db: any) => void);
  /** What the checksum is taken of instead of `up`'s text (see `@slicewise/db`'s `Migration`). */
  readonly identity?: string;
}

/**
 * Everything a slice contributes to a host, in one exported value. A host composes slices by listing them.
 */
export interface Slice {
  /** Unique name, usually the package name (`@slicewise/get-active-users`). */
  readonly name: string;
  /** The slice's package version, shown by hosts. */
  readonly version?: string;
  /** The messages this slice handles: `handle(…)`, `handleStream(…)`, `on(…)`. */
  readonly handlers?: readonly HandlerRegistration[];
  /** Durable subscriptions to events of the host's event log: `subscribe(…)`. */
  readonly subscriptions?: readonly SubscriptionRegistration[];
  /** Pipeline behaviors this slice adds to the host, innermost of all (see `Behavior.appliesTo` to narrow them). */
  readonly behaviors?: readonly Behavior[];
  /** Services that live for one dispatch (see `scoped`): handlers reach them with `context.get(service)`. */
  readonly scoped?: readonly Scoped<unknown>[];
  /** Slices this one cannot work without (a shared model owning its tables…): composed before it, once. */
  readonly requires?: readonly Slice[];
  /** Requests this slice sends to other slices: composition fails when none of the composed slices handles one. */
  readonly sends?: readonly MessageClass[];
  /** Schema changes for the tables this slice owns, applied in order and recorded once. */
  readonly migrations?: readonly SliceMigration[];
}

/**
 * Declares a slice manifest. Returns the definition unchanged, typed, so hosts can compose it in one line.
 *
 * @example
 * export const getActiveUsers = defineSlice({
 *   name: '@slicewise/get-active-users',
 *   handlers: [handle(GetActiveUsers, GetActiveUsersHandler)],
 * });
 */
export function defineSlice<const TSlice extends Slice>(slice: TSlice): TSlice {
  return slice;
}
