import { PassThrough, type Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest, RequestPayload } from 'fastify';
import { HttpError } from './problem.js';

const ndjsonType = 'application/x-ndjson';

/** The failure of a body that stalled: 408, the client's doing. */
const stalled = (idleTimeout: number) =>
  new HttpError(408, `The request body sent nothing for ${idleTimeout} ms; the connection is closed`);

function hasBody(request: FastifyRequest): boolean {
  const { headers } = request;
  return headers['transfer-encoding'] !== undefined || Number(headers['content-length'] ?? 0) > 0;
}

/** After this response the connection closes: its request body was abandoned unread. */
function closeAfter(request: FastifyRequest, reply: FastifyReply): void {
  if (!reply.raw.headersSent) {
    reply.raw.shouldKeepAlive = false;
    return;
  }
  reply.raw.once('finish', () => request.raw.socket?.destroySoon());
}

/**
 * A `preParsing` hook for buffered (JSON) bodies: a body that sends nothing for `idleTimeout` ms fails with 408
 * (a problem, then the connection closes) instead of holding its connection until some other timeout. NDJSON
 * bodies are read by the slice at its own pace; {@link guardedBody} watches those.
 */
export function bodyIdleGuard(idleTimeout: number) {
  return (request: FastifyRequest, reply: FastifyReply, payload: RequestPayload, done: DoneWithPayload): void => {
    const type = request.headers['content-type'];
    if (!hasBody(request) || type?.toLowerCase().startsWith(ndjsonType)) {
      done(null, payload);
      return;
    }
    const watched = new PassThrough();
    const timer = setTimeout(() => {
      payload.unpipe(watched);
      closeAfter(request, reply);
      watched.destroy(stalled(idleTimeout));
    }, idleTimeout);
    payload.on('data', () => timer.refresh());
    payload.once('end', () => clearTimeout(timer));
    watched.once('close', () => clearTimeout(timer));
    reply.raw.once('close', () => clearTimeout(timer)); // answered without reading the body (401, 415…)
    watched.on('error', ignore); // the body reader, when there is one, sees the error too
    payload.pipe(watched);
    done(null, watched);
  };
}

const ignore = () => undefined;

type DoneWithPayload = (error: Error | null, payload?: RequestPayload) => void;

/**
 * An NDJSON request body as the slice reads it: each read fails with 408 when the client sends nothing for
 * `idleTimeout` ms, and with the dispatch's own error (`TIMEOUT` at the deadline, `CANCELLED`) as soon as
 * `signal` aborts, even while the slice waits for bytes that never come. Either way the connection closes after
 * the answer. Time the slice spends between reads does not count as idle.
 */
export async function* guardedBody(
  body: Readable,
  idleTimeout: number,
  signal: AbortSignal,
  request: FastifyRequest,
  reply: FastifyReply,
): AsyncGenerator<Uint8Array> {
  // destroyOnReturn: false: the request stream (and its socket) must outlive the slice so the answer can be sent.
  const chunks = body.iterator({ destroyOnReturn: false });
  try {
    while (true) {
      const next = await nextWithin(chunks.next(), idleTimeout, signal);
      if (next.done) return;
      yield next.value as Uint8Array;
    }
  } catch (error) {
    closeAfter(request, reply);
    throw error;
  } finally {
    await chunks.return?.();
  }
}

function nextWithin<T>(next: Promise<T>, idleTimeout: number, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => settle(() => reject(signal.reason)); // the route aborts with TIMEOUT or CANCELLED
    const timer = setTimeout(() => settle(() => reject(stalled(idleTimeout))), idleTimeout);
    let settled = false;
    const settle = (finish: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      finish();
    };
    signal.addEventListener('abort', onAbort, { once: true });
    next.then(
      (value) => settle(() => resolve(value)),
      (error: unknown) => settle(() => reject(error)),
    );
  });
}
