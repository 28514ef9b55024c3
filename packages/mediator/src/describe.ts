import type { Composition } from './composition.js';
import { declarationOf, type RequestDeclaration } from './declaration.js';
import type { MessageClass, MessageKind } from './messages.js';

/** One registered message, for hosts that generate routes, commands and docs. */
export interface MessageDescription {
  readonly message: MessageClass;
  readonly name: string;
  readonly kind: MessageKind;
  /** The slice(s) handling it: one for requests, any number for notifications. */
  readonly slices: readonly string[];
  readonly handlers: readonly string[];
  /** The behaviors around its handler, outermost first. */
  readonly pipeline: readonly string[];
  readonly declaration: RequestDeclaration;
}

/** Every message of a composition, with its slices, handlers, effective pipeline and declaration. */
export function describeComposition(composition: Composition): MessageDescription[] {
  const { requests, streams, notifications } = composition;
  const routed = [...requests.values(), ...streams.values()].map((route) => ({
    message: route.message,
    name: route.message.name,
    kind: route.kind,
    slices: [route.slice],
    handlers: [route.handler],
    pipeline: route.behaviors,
    declaration: declarationOf(route.message),
  }));
  const told = [...notifications].map(([message, subscriptions]) => ({
    message,
    name: message.name,
    kind: 'notification' as const,
    slices: subscriptions.map((subscription) => subscription.slice),
    handlers: subscriptions.map((subscription) => subscription.handler.constructor.name),
    pipeline: [],
    declaration: {},
  }));
  return [...routed, ...told];
}
