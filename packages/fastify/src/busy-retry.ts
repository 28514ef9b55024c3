import { setTimeout as sleep } from 'node:timers/promises';
import { type DispatchOptions, isSlicewiseError, type Mediator, type Request } from '@slicewise/mediator';
import type { FastifyReply } from 'fastify';
import { clientGone, HttpError } from './problem.js';

/** Whether a failure is SQLite's lock held by another connection past the (short) busy timeout. */
function isBusy(error: unknown): boolean {
  if (!isSlicewiseError(error) || error.code !== 'TIMEOUT') return false;
  const code = (error.cause as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && /^SQLITE_(BUSY|LOCKED)/.test(code);
}

/** Milliseconds before retry `attempt` (0, 1, …): 5, 10, 20, 40, 80, then 100, each with up to half less jitter. */
const busyBackoff = (attempt: number) => Math.min(100, 5 * 2 ** attempt) * (0.5 + Math.random() / 2);

/**
 * Sends a request; while it fails because another process holds the database's write lock, waits (without
 * blocking the event loop: SQLite's own busy wait is kept short) and sends it again, until the request's deadline.
 * A lock that outlasts it is 503 with `Retry-After: 1`. Safe because a command's writes are one transaction: a
 * BUSY failure left nothing behind, and sending the same request again is the same request.
 */
export function sendWhileBusy(
  mediator: Mediator,
  message: Request<unknown>,
  dispatch: DispatchOptions,
  reply: FastifyReply,
  requestTimeout: number,
): Promise<unknown> {
  // The first send is the only one almost every request makes: no async frame around it, a catch handler only.
  return mediator.send(message, dispatch).catch((error: unknown) => {
    if (!isBusy(error)) throw error;
    return retryWhileBusy(mediator, message, dispatch, reply, Date.now() + requestTimeout);
  });
}

/** The retries of {@link sendWhileBusy}, after the first send failed with BUSY. */
async function retryWhileBusy(
  mediator: Mediator,
  message: Request<unknown>,
  dispatch: DispatchOptions,
  reply: FastifyReply,
  deadline: number,
): Promise<unknown> {
  for (let attempt = 0; ; attempt += 1) {
    const delay = busyBackoff(attempt);
    if (Date.now() + delay >= deadline) throw new HttpError(503, 'The database is busy; retry shortly', 1);
    await sleep(delay);
    if (reply.raw.destroyed) throw clientGone();
    try {
      return await mediator.send(message, dispatch);
    } catch (error) {
      if (!isBusy(error)) throw error;
    }
  }
}
