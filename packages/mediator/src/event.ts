import type { StandardSchemaV1 } from '@standard-schema/spec';
import type { DispatchContext } from './context.js';
import type { HandlerClass } from './handler.js';
import type { MessageClass, Notification } from './messages.js';

/**
 * What makes a notification class a durable event: a type name that stays the same across releases, a payload
 * version, the payload's schema, and how older versions of the payload become the current one.
 */
export interface EventDeclaration<TPayload = unknown> {
  /** Stable across releases and renames of the class, e.g. `@slicewise/users/UserRegistered`. */
  readonly type: string;
  /** The payload's version; raise it when the payload changes, with an `upcast` from the previous one. Default 1. */
  readonly version?: number;
  /** A Standard Schema of the current payload: stored events are decoded with it (synchronously). */
  readonly payload: StandardSchemaV1<unknown, TPayload>;
  /** `upcast[n]` turns a version-n payload into a version-(n+1) one; applied in turn up to `version`. */
  readonly upcast?: Readonly<Record<number, (payload: unknown) => unknown>>;
}

/**
 * Declares a notification class a durable event; assign it to `static readonly event`. With a host's event log,
 * publishing it appends it to the log (in the open transaction, if any) and durable subscribers receive it.
 * The payload is the notification's own enumerable properties; a decoded event is an instance of the class
 * whose properties are the decoded payload (the constructor is not called).
 *
 * @example
 * export class UserRegistered extends Notification {
 *   static readonly event = declareEvent({ type: '@slicewise/users/UserRegistered', payload: z.object({...}) });
 *   constructor(readonly user: UserDto, readonly registeredAt: string) { super(); }
 * }
 */
export function declareEvent<TPayload>(declaration: EventDeclaration<TPayload>): EventDeclaration<TPayload> {
  if (typeof declaration.type !== 'string' || declaration.type.trim() === '') {
    throw new TypeError('declareEvent needs a non-empty type name');
  }
  const version = declaration.version ?? 1;
  if (!Number.isSafeInteger(version) || version < 1) {
    throw new TypeError(`The version of event ${declaration.type} must be a whole number from 1, not ${version}`);
  }
  for (let from = 1; from < version; from++) {
    if (typeof declaration.upcast?.[from] !== 'function') {
      throw new TypeError(`Event ${declaration.type} is at version ${version} but has no upcast from version ${from}`);
    }
  }
  return declaration;
}

/** The event declaration of a notification class, or `undefined` for a notification that is not durable. */
export function eventOf(messageClass: MessageClass): EventDeclaration | undefined {
  return (messageClass as unknown as { event?: EventDeclaration }).event;
}

/**
 * Where a mediator puts the durable events it publishes: the host's event log. `append` runs synchronously
 * inside `publish`, so an event published inside a transaction is written in that transaction; when it throws,
 * `publish` throws at once and the transaction rolls back.
 */
export interface EventSink {
  append(event: Notification, context: DispatchContext): void;
}

/** One event as a durable subscriber receives it. */
export interface Delivery<TEvent extends Notification = Notification> {
  /** The event's position in the log it was read from: increasing, the order events are handled in. */
  readonly position: number;
  /** Unique across logs and machines: use it to make an effect outside the database idempotent. */
  readonly id: string;
  /** The event's declared type name. */
  readonly type: string;
  /** The decoded event, upcast to the current version. */
  readonly event: TEvent;
  /** When it was appended (ISO-8601 UTC). */
  readonly occurredAt: string;
  /** The correlation id of the dispatch that published it. */
  readonly correlationId: string | undefined;
}

/**
 * Handles a durable subscription's events, a batch at a time, in log order. A synchronous `handle` of an
 * `exactly-once` subscription runs in the transaction that advances the subscription's checkpoint: its database
 * effect happens exactly once. An `at-least-once` subscription may be asynchronous; it may see a batch again after
 * a crash, so it uses `delivery.id` to stay idempotent.
 */
export interface EventSubscriber<TEvent extends Notification = Notification> {
  handle(deliveries: readonly Delivery<TEvent>[]): void | Promise<void>;
}

/** How a durable subscription is driven. */
export interface SubscriptionOptions {
  /** Stable across releases: the checkpoint is kept under it, e.g. `@slicewise/user-stats/count-users`. */
  readonly name: string;
  /** Most events per call of `handle` (and per transaction). Default 100. */
  readonly batch?: number;
  /** `exactly-once` (default): synchronous handler, effect and checkpoint in one transaction. */
  readonly delivery?: 'exactly-once' | 'at-least-once';
  /**
   * Where a subscription starts the first time a host composes it: `start` of the log (default), or its `end`
   * (for a read model whose migration seeds it from the current state: the checkpoint is set in the same
   * transaction as the slice's migrations).
   */
  readonly from?: 'start' | 'end';
  /** Attempts at one event before it is parked and the subscription moves on. Default 5. */
  readonly maxAttempts?: number;
}

/** A durable subscription as a slice declares it: the events it takes, its handler class and options. */
export interface SubscriptionRegistration extends SubscriptionOptions {
  readonly events: readonly MessageClass<Notification>[];
  readonly handler: HandlerClass<EventSubscriber<never>>;
}

type EventsOf<TClasses extends readonly MessageClass<Notification>[]> = InstanceType<TClasses[number]>;

/**
 * Declares a durable subscription: its handler receives the listed events from the host's event log, in batches,
 * after they are committed, in any process that composes the slice, exactly once per subscription name.
 *
 * @example
 * subscribe([UserRegistered, UserDeactivated], CountUsers, { name: '@slicewise/user-stats/count-users', batch: 500 })
 */
export function subscribe<const TClasses extends readonly MessageClass<Notification>[]>(
  events: TClasses,
  handler: HandlerClass<EventSubscriber<EventsOf<TClasses>>>,
  options: SubscriptionOptions,
): SubscriptionRegistration {
  return { ...options, events, handler: handler as HandlerClass<EventSubscriber<never>> };
}
