import type { ContainerInstance } from 'typedi';
import { type Behavior, behaviorsFor } from './behavior.js';
import { authorization, validation } from './builtin-behaviors.js';
import { CompositionError } from './composition-error.js';
import { type EventSubscriber, eventOf, type SubscriptionRegistration } from './event.js';
import type { HandlerOverride, NotificationHandler, RequestHandler, StreamHandler } from './handler.js';
import { kindOf, type MessageClass, type MessageKind, type Notification } from './messages.js';
import { NotificationHandlers, type Subscription } from './notification-handlers.js';
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
  /** The handlers registered for each notification class, in slice order (what `describe` shows). */
  readonly notifications: Map<MessageClass, Subscription[]>;
  /** The handlers each published class goes to, its base classes' included, ready to call. */
  readonly notificationHandlers: NotificationHandlers;
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
  override?: HandlerOverride,
): Composition {
  checkSlices(slices);
  const pipeline = [...hostBehaviors, authorization, validation, ...slices.flatMap((slice) => slice.behaviors ?? [])];
  checkBehaviors(hostBehaviors, slices);
  const notifications = new Map<MessageClass, Subscription[]>();
  const inOrder: Subscription[] = [];
  const requests = new Map<MessageClass, Route<RequestInvoker>>();
  const streams = new Map<MessageClass, Route<StreamInvoker>>();
  const subscriptions: ComposedSubscription[] = [];
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
      subscriptions.push(composeSubscription(slice, registration, container));
    }
  }
  for (const slice of slices) {
    for (const registration of slice.handlers ?? []) {
      const { message } = registration;
      const kind = kindOf(message);
      const route = { message, kind, slice: slice.name, handler: registration.handler.name };
      if (registration.kind === 'notification') {
        const known = notifications.get(message) ?? [];
        const twice = known.find((subscription) => subscription.handlerClass === registration.handler);
        if (twice !== undefined) {
          const where = twice.slice === slice.name ? `twice by ${slice.name}` : `by ${twice.slice} and ${slice.name}`;
          throw new CompositionError(
            `${registration.handler.name} is subscribed to ${message.name} ${where}: it would run twice per publish`,
          );
        }
        const handler = resolveHandler(container, registration.handler) as NotificationHandler<Notification>;
        const subscription = { message, slice: slice.name, handlerClass: registration.handler, handler };
        known.push(subscription);
        inOrder.push(subscription);
        notifications.set(message, known);
      } else if (registration.kind === 'stream') {
        const behaviors = behaviorsFor(pipeline, message, kind, 'stream');
        const handler =
          (override?.({ ...route, kind: 'stream' }) as StreamHandler<never> | undefined) ??
          resolveHandler(container, registration.handler);
        const invoke = composeStream(behaviors, handler);
        streams.set(message, { ...route, behaviors: behaviors.map((b) => b.name), invoke });
      } else {
        const behaviors = behaviorsFor(pipeline, message, kind, 'handle');
        const handler =
          (override?.({ ...route, kind: 'request' }) as RequestHandler<never> | undefined) ??
          resolveHandler(container, registration.handler);
        const invoke = composeRequest(behaviors, handler);
        requests.set(message, { ...route, behaviors: behaviors.map((b) => b.name), invoke });
      }
    }
  }
  return {
    requests,
    streams,
    notifications,
    notificationHandlers: new NotificationHandlers(inOrder),
    scoped: new Set(slices.flatMap((slice) => slice.scoped ?? [])),
    subscriptions,
  };
}

/**
 * Refuses a behavior object listed twice (by the host and a slice, by two slices, or twice by one): it would wrap
 * each request twice. A host behavior already wraps every slice's requests.
 */
function checkBehaviors(hostBehaviors: readonly Behavior[], slices: readonly Slice[]): void {
  const listedBy = new Map<Behavior, string>([
    [authorization, 'the mediator (built in)'],
    [validation, 'the mediator (built in)'],
  ]);
  const listings = [
    ...hostBehaviors.map((behavior) => [behavior, 'the host'] as const),
    ...slices.flatMap((slice) => (slice.behaviors ?? []).map((behavior) => [behavior, slice.name] as const)),
  ];
  for (const [behavior, by] of listings) {
    const first = listedBy.get(behavior);
    if (first !== undefined) {
      const where = first === by ? `twice by ${by}` : `by ${first} and ${by}`;
      throw new CompositionError(
        `Behavior ${behavior.name} is listed ${where}: it would wrap each request twice; list it once`,
      );
    }
    listedBy.set(behavior, by);
  }
}
