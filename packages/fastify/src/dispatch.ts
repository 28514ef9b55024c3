import type { Caller, DispatchOptions } from '@slicewise/mediator';
import { TimeoutError } from '@slicewise/mediator';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { TokenStore } from './auth.js';
import { clientGone } from './problem.js';

/** What a dispatch needs from the route options. */
export interface DispatchSettings {
  /** Deadline of one dispatch in milliseconds; `TIMEOUT` (504) past it. */
  readonly requestTimeout: number;
}

/**
 * Caller, cancellation and deadline of one dispatch, with the request id as correlation id. The signal is made
 * only when the dispatch first needs one (most requests finish synchronously on SQLite and never do): one
 * AbortController, aborted with `CANCELLED` when the client goes away before the response is sent, or with
 * `TIMEOUT` at the deadline (one timer, cleared when the response closes).
 */
export function dispatchOptions(
  request: FastifyRequest,
  reply: FastifyReply,
  options: DispatchSettings,
): DispatchOptions & { signal: () => AbortSignal } {
  const caller = (request as AuthenticatedRequest)[callerKey];
  const response = reply.raw;
  let made: AbortSignal | undefined;
  const signal = (): AbortSignal => {
    made ??= makeSignal();
    return made;
  };
  const makeSignal = (): AbortSignal => {
    const controller = new AbortController();
    if (response.destroyed && !response.writableFinished) {
      controller.abort(clientGone());
      return controller.signal;
    }
    const deadline = setTimeout(
      () => controller.abort(new TimeoutError(`The request ran past its ${options.requestTimeout} ms deadline`)),
      options.requestTimeout,
    );
    response.once('close', () => {
      clearTimeout(deadline);
      if (!response.writableFinished) controller.abort(clientGone());
    });
    return controller.signal;
  };
  return caller ? { signal, correlationId: request.id, caller } : { signal, correlationId: request.id };
}

const callerKey = Symbol('slicewise.caller');
type AuthenticatedRequest = FastifyRequest & { [callerKey]?: Caller };

/**
 * Authenticates before anything else of the request is read (a body from an unknown token is not even parsed):
 * an unknown token or another scheme is `UNAUTHORIZED` (401); no header, no caller.
 */
export function authenticateHook(tokens: TokenStore) {
  return (request: FastifyRequest, _reply: FastifyReply, done: (error?: Error) => void) => {
    try {
      (request as AuthenticatedRequest)[callerKey] = tokens.authenticate(request.headers.authorization);
      done();
    } catch (error) {
      done(error as Error);
    }
  };
}
