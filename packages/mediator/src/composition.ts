import type { ContainerInstance } from 'typedi';
import { type Behavior, behaviorsFor } from './behavior.js';
import { authorization, validation } from './builtin-behaviors.js';
import { CompositionError } from './composition-error.js';
import { type EventSubscriber, eventOf, type SubscriptionRegistration } from './event.js';
import type { NotificationHandler } from './handler.js';
import { kindOf, type MessageClass, type MessageKind, type Notification } from './messages.js';
import { composeRequest, composeStream, type RequestInvoker, type StreamInvoker } from './pipeline.js';
import { resolveHandler } from './resolve-handler.js';
import type { Scoped } from './scope.js';
import type { Slice } from './slice.js';

/** A request or stream request and the one handler that answers it. */
export interface Route<TInvoker> {
  readonly message: MessageClass;
  readonly kind: MessageKind;
  readonly slice: string;
  readonly handler: string;
  readonly behaviors: readonly string[];
  readonly invoke: TInvoker;
}

/** The handlers of one notification class, in slice order. */
export interface Subscription {
  readonly slice: string;
  readonly handler: NotificationHandler<Notification>;
}

/** A durable subscription, checked and with its handler built: what a host's event log drives. */
export interface ComposedSubscription {
  readonly name: string;
  readonly slice: string;
  readonly events: readonly MessageClass<Notification>[];
  /** The declared type names of `events`. */
  readonly types: readonly string[];
  readonly handler: EventSubscriber;
  readonly batch: number;
  readonly delivery: 'exactly-once' | 'at-least-once';
  readonly from: 'start' | 'end';
  readonly maxAttempts: number;
}

/** Everything `createMediator` works out once, before the first dispatch. */
export interface Composition {
  readonly requests: Map<MessageClass, Route<RequestInvoker>>;
  readonly streams: Map<MessageClass, Route<StreamInvoker>>;
  readonly notifications: Map<MessageClass, Subscription[]>;
  /** The handlers of each notification, in slice order, ready to call. */
  readonly notificationHandlers: Map<MessageClass, NotificationHandler<Notification>[]>;
  /** The scoped services the slices declare. */
  readonly scoped: Set<Scoped<unknown>>;
  /** The durable subscriptions, in slice order. */
  readonly subscriptions: ComposedSubscription[];
}

const positiveInteger = (value: number | undefined, fallback: number) =>
  value === undefined ? fallback : Number.isSafeInteger(value) && value > 0 ? value : Number.NaN;

function composeSubscription(
  slice: Slice,
  registration: SubscriptionRegistration,
  container: ContainerInstance,
): ComposedSubscription {
  const { name } = registration;
  const where = `Subscription ${name} of ${slice.name}`;
  if (typeof name !== 'string' || name.trim() === '')
    throw new CompositionError(`${slice.name} has a subscription without a name`);
  if (registration.events.length === 0) throw new CompositionError(`${where} lists no events`);
  const types = registration.events.map((event) => {
    const declared = eventOf(event);
    if (!declared) {
      throw new CompositionError(
        `${where} takes ${event.name}, which is not a durable event: declare \`static readonly event = declareEvent({...})\` on it, or handle it in process with on()`,
      );
    }
    return declared.type;
  });
  const batch = positiveInteger(registration.batch, 100);
  const maxAttempts = positiveInteger(registration.maxAttempts, 5);
  if (Number.isNaN(batch)) throw new CompositionError(`${where}: batch must be a whole number from 1`);
  if (Number.isNaN(maxAttempts)) throw new CompositionError(`${where}: maxAttempts must be a whole number from 1`);
  const delivery = registration.delivery ?? 'exactly-once';
  if (delivery !== 'exactly-once' && delivery !== 'at-least-once') {
    throw new CompositionError(`${where}: delivery must be exactly-once or at-least-once`);
  }
  const from = registration.from ?? 'start';
  if (from !== 'start' && from !== 'end') throw new CompositionError(`${where}: from must be start or end`);
  const handler = resolveHandler(container, registration.handler) as EventSubscriber;
  return { name, slice: slice.name, events: registration.events, types, handler, batch, delivery, from, maxAttempts };
}

function checkSlices(slices: readonly Slice[]): void {
  const owners = new Map<MessageClass, string>();
  for (const slice of slices) {
    for (const { kind, message } of slice.handlers ?? []) {
      if (kind === 'notification') continue;
      const owner = owners.get(message);
      if (owner !== undefined) {
        throw new CompositionError(`${message.name} is handled by two slices: ${owner} and ${slice.name}`);
      }
      owners.set(message, slice.name);
    }
  }
  for (const slice of slices) {
    for (const message of slice.sends ?? []) {
      if (!owners.has(message)) {
        throw new CompositionError(
          `${slice.name} sends ${message.name}, but none of the composed slices handles it: compose its slice`,
        );
      }
    }
  }
}

/**
 * Checks that the slices (already resolved: each once, requirements first) fit together, builds every handler once through the container, and composes each
 * request's pipeline: host behaviors (outermost, in the order given), authorization, validation, then the
 * slices' behaviors (in slice order), then the handler.
 */
export function compose(
  slices: readonly Slice[],
  hostBehaviors: readonly Behavior[],
  container: ContainerInstance,
): Composition {
  checkSlices(slices);
  const pipeline = [...hostBehaviors, authorization, validation, ...slices.flatMap((slice) => slice.behaviors ?? [])];
  const composition: Composition = {
    requests: new Map(),
    streams: new Map(),
    notifications: new Map(),
    notificationHandlers: new Map(),
    scoped: new Set(slices.flatMap((slice) => slice.scoped ?? [])),
    subscriptions: [],
  };
  const subscribers = new Map<string, string>();
  for (const slice of slices) {
    for (const registration of slice.subscriptions ?? []) {
      const owner = subscribers.get(registration.name);
      if (owner !== undefined) {
        throw new CompositionError(
          `Subscription ${registration.name} is declared twice: by ${owner} and ${slice.name}`,
        );
      }
      subscribers.set(registration.name, slice.name);
      composition.subscriptions.push(composeSubscription(slice, registration, container));
    }
  }
  for (const slice of slices) {
    for (const registration of slice.handlers ?? []) {
      const { message } = registration;
      const kind = kindOf(message);
      const route = { message, kind, slice: slice.name, handler: registration.handler.name };
      if (registration.kind === 'notification') {
        const handler = resolveHandler(container, registration.handler) as NotificationHandler<Notification>;
        const subscriptions = composition.notifications.get(message) ?? [];
        subscriptions.push({ slice: slice.name, handler });
        composition.notifications.set(message, subscriptions);
        composition.notificationHandlers.set(
          message,
          subscriptions.map((subscription) => subscription.handler),
        );
      } else if (registration.kind === 'stream') {
        const behaviors = behaviorsFor(pipeline, message, kind, 'stream');
        const invoke = composeStream(behaviors, resolveHandler(container, registration.handler));
        composition.streams.set(message, { ...route, behaviors: behaviors.map((b) => b.name), invoke });
      } else {
        const behaviors = behaviorsFor(pipeline, message, kind, 'handle');
        const invoke = composeRequest(behaviors, resolveHandler(container, registration.handler));
        composition.requests.set(message, { ...route, behaviors: behaviors.map((b) => b.name), invoke });
      }
    }
  }
  return composition;
}
