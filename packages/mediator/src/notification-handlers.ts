import type { NotificationHandler } from './handler.js';
import type { MessageClass, Notification } from './messages.js';

/** One `on(Notification, Handler)` of a composed slice, its handler built. */
export interface Subscription {
  readonly message: MessageClass;
  readonly slice: string;
  /** The handler class as registered (`on(N, Handler)`): the key of duplicate checks. */
  readonly handlerClass: abstract new (
    ...args: never[]
  ) => unknown;
  readonly handler: NotificationHandler<Notification>;
}

type Handlers = readonly NotificationHandler<Notification>[];

const none: Handlers = Object.freeze([]);

/**
 * The handlers of each notification class, polymorphically: a handler registered for a class receives its
 * subclasses too, so `on(Notification, Audit)` sees every notification. Handlers run in registration order (slice
 * order, then the order within a slice). Worked out once per published class and cached, never a prototype walk per
 * publish; the cache holds classes weakly.
 */
export class NotificationHandlers {
  readonly #subscriptions: readonly Subscription[];
  readonly #byClass = new WeakMap<object, Handlers>();

  constructor(subscriptions: readonly Subscription[]) {
    this.#subscriptions = subscriptions;
    for (const { message } of subscriptions) this.get(message);
  }

  /** The handlers a notification of `messageClass` goes to, in registration order. */
  get(messageClass: MessageClass): Handlers {
    const known = this.#byClass.get(messageClass);
    if (known !== undefined) return known;
    const matching = this.#subscriptions.filter(
      ({ message }) => message === messageClass || messageClass.prototype instanceof message,
    );
    const handlers = matching.length === 0 ? none : matching.map((subscription) => subscription.handler);
    this.#byClass.set(messageClass, handlers);
    return handlers;
  }
}
