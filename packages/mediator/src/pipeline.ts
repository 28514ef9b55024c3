import type { Behavior } from './behavior.js';
import type { DispatchContext } from './context.js';
import type { RequestHandler, StreamHandler } from './handler.js';
import type { Message } from './messages.js';

/** A request's handler with its behaviors around it, composed once at start-up. */
export type RequestInvoker = (request: Message, context: DispatchContext) => unknown;

/** A stream request's handler with its behaviors around it. */
export type StreamInvoker = (request: Message, context: DispatchContext) => AsyncIterable<unknown>;

type SettledInvoker = (request: Message, context: DispatchContext) => Promise<unknown>;

function settleHandler(handler: RequestHandler<never>, request: Message, context: DispatchContext): Promise<unknown> {
  try {
    return Promise.resolve(handler.handle(request as never, context));
  } catch (error) {
    return Promise.reject(error);
  }
}

/**
 * Nests behaviors around a request handler, the first outermost. With no behaviors it is the handler itself.
 * Only the handler's result is settled into a promise for the innermost `next`: behaviors already return one (a
 * synchronous throw from a behavior still becomes a rejection, in its async caller or in `send`).
 */
export function composeRequest(behaviors: readonly Behavior[], handler: RequestHandler<never>): RequestInvoker {
  const handle: RequestInvoker = (request, context) => handler.handle(request as never, context);
  if (behaviors.length === 0) return handle;
  const innermost = behaviors[behaviors.length - 1] as Required<Pick<Behavior, 'handle'>>;
  let invoke: SettledInvoker = (request, context) =>
    innermost.handle(request, context, () => settleHandler(handler, request, context));
  for (let i = behaviors.length - 2; i >= 0; i--) {
    const behavior = behaviors[i] as Required<Pick<Behavior, 'handle'>>;
    const inner = invoke;
    invoke = (request, context) => behavior.handle(request, context, () => inner(request, context));
  }
  return invoke;
}

/** Nests stream behaviors around a stream handler, the first outermost. */
export function composeStream(behaviors: readonly Behavior[], handler: StreamHandler<never>): StreamInvoker {
  let invoke: StreamInvoker = (request, context) => handler.handle(request as never, context);
  for (let i = behaviors.length - 1; i >= 0; i--) {
    const behavior = behaviors[i] as Required<Pick<Behavior, 'stream'>>;
    const inner = invoke;
    invoke = (request, context) => behavior.stream(request, context, () => inner(request, context));
  }
  return invoke;
}
