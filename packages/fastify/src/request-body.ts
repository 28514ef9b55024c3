import type { Readable } from 'node:stream';
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
 *
 * It watches the socket's byte count on a timer (every quarter of the timeout, so a stall is caught within 1.25×
 * it) rather than putting a stream between the socket and Fastify's body reader: most bodies arrive whole before
 * the first look, and the timer is all they cost (a PassThrough and its pipe were a tenth of a `POST`'s CPU).
 */
export function bodyIdleGuard(idleTimeout: number) {
  const every = Math.max(10, Math.floor(idleTimeout / 4));
  return (request: FastifyRequest, reply: FastifyReply, payload: RequestPayload, done: DoneWithPayload): void => {
    const type = request.headers['content-type'];
    const socket = request.raw.socket;
    if (!hasBody(request) || type?.toLowerCase().startsWith(ndjsonType) || !socket) {
      done(null, payload);
      return;
    }
    let bytes = socket.bytesRead;
    let progressAt = Date.now();
    const timer = setInterval(() => {
      if (request.raw.complete) {
        clearInterval(timer);
        return;
      }
      const now = Date.now();
      if (socket.bytesRead !== bytes) {
        bytes = socket.bytesRead;
        progressAt = now;
        return;
      }
      if (now - progressAt < idleTimeout) return;
      clearInterval(timer);
      closeAfter(request, reply);
      // Fastify's body reader listens for errors on the stream it reads; without one, nothing reads the body.
      if (payload.listenerCount('error') > 0) payload.emit('error', stalled(idleTimeout));
      else payload.destroy(stalled(idleTimeout));
    }, every);
    reply.raw.on('close', () => clearInterval(timer)); // answered, read or not (401, 415…)
    done(null, payload);
  };
}

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
  try {
    while (true) {
      const chunk = await nextChunk(body, idleTimeout, signal);
      if (chunk === null) return;
      yield chunk;
    }
  } catch (error) {
    closeAfter(request, reply);
    throw error;
  }
}

/**
 * The body's next chunk (null at its end), read without an async iterator: abandoning one while a read is pending
 * would wait for that read, and the request stream (with its socket) must outlive the slice so the answer can be
 * sent.
 */
function nextChunk(body: Readable, idleTimeout: number, signal: AbortSignal): Promise<Buffer | null> {
  const ready = body.read() as Buffer | null;
  if (ready !== null) return Promise.resolve(ready);
  if (body.readableEnded) return Promise.resolve(null);
  if (body.errored) return Promise.reject(body.errored);
  if (signal.aborted) return Promise.reject(signal.reason); // the route aborts with TIMEOUT or CANCELLED
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      clearTimeout(timer);
      body.off('readable', onReadable);
      body.off('end', onEnd);
      body.off('error', onError);
      body.off('close', onClose);
      signal.removeEventListener('abort', onAbort);
    };
    const onReadable = () => {
      const chunk = body.read() as Buffer | null;
      if (chunk === null) return; // at the end, 'end' follows
      cleanup();
      resolve(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(null);
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const onClose = () => {
      if (body.readableEnded) return;
      cleanup();
      reject(signal.aborted ? signal.reason : new Error('The request body was cut off'));
    };
    const onAbort = () => {
      cleanup();
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(stalled(idleTimeout));
    }, idleTimeout);
    body.on('readable', onReadable);
    body.once('end', onEnd);
    body.once('error', onError);
    body.once('close', onClose);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
