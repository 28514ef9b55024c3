import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { problemContentType, transportProblem } from './problem.js';

/** What one connection may hold of the server. */
export interface ConnectionGuardOptions {
  /** Most requests one connection may send (0 = no limit): the last one carries `Connection: close`. */
  readonly maxRequestsPerSocket: number;
  /** Most requests one connection may have waiting behind an unfinished response; past it, it is closed. */
  readonly maxPipelinedRequests: number;
}

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

/** A connection's requests: how many were seen, whether one is being served, and the ones waiting their turn. */
interface SocketState {
  requests: number;
  serving: boolean;
  readonly waiting: [IncomingMessage, ServerResponse][];
  /** The `close` listener of the response being served: made once per connection, not once per request. */
  readonly served: () => void;
}

const stateKey = Symbol('slicewise.connection');
type GuardedSocket = Socket & { [stateKey]?: SocketState };

/**
 * Back-pressure and per-connection limits, in front of Fastify's request handler (a Node `request` listener, so
 * a request kept waiting costs Node's two objects, not Fastify's). A connection is served one request at a time,
 * in order: a pipelined request waits until the response before it has closed, which is when the kernel has
 * taken its last byte. So a client that pipelines and never reads gets what its socket buffers hold (about 4 MB
 * on Linux) and then nothing more: the server holds one response for it, not all of them. One that has more than
 * `maxPipelinedRequests` waiting is disconnected. Also counts the requests in flight, for a drain.
 */
export class ConnectionGuard {
  readonly #options: ConnectionGuardOptions;
  readonly #handler: Handler;
  #inFlight = 0;
  #idle: (() => void)[] = [];

  constructor(options: ConnectionGuardOptions, handler: Handler) {
    this.#options = options;
    this.#handler = handler;
  }

  /** Requests let through whose response has not closed yet. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** Resolves once no request let through is in flight. */
  idle(): Promise<void> {
    if (this.#inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  /** The server's `request` listener. */
  readonly handle = (request: IncomingMessage, response: ServerResponse): void => {
    const socket = request.socket as GuardedSocket;
    if (socket.destroyed) return; // parsed from the same packet as a request that closed the connection
    const state = socket[stateKey] ?? this.#track(socket);
    state.requests += 1;
    const { maxRequestsPerSocket } = this.#options;
    if (maxRequestsPerSocket > 0 && state.requests >= maxRequestsPerSocket) {
      response.shouldKeepAlive = false; // Connection: close on this answer
      if (state.requests > maxRequestsPerSocket) {
        tooManyRequests(request, response, maxRequestsPerSocket);
        return;
      }
    }
    if (!state.serving && state.waiting.length === 0) {
      this.#serve(state, request, response);
      return;
    }
    if (state.waiting.length >= this.#options.maxPipelinedRequests) {
      socket.destroy(); // the waiting requests go with it
      return;
    }
    state.waiting.push([request, response]);
  };

  #track(socket: GuardedSocket): SocketState {
    const state: SocketState = {
      requests: 0,
      serving: false,
      waiting: [],
      served: () => {
        state.serving = false;
        this.#inFlight -= 1;
        if (this.#inFlight === 0) for (const resolve of this.#idle.splice(0)) resolve();
        this.#next(state, socket);
      },
    };
    socket[stateKey] = state;
    socket.once('close', () => {
      state.waiting.length = 0;
    });
    return state;
  }

  #serve(state: SocketState, request: IncomingMessage, response: ServerResponse): void {
    state.serving = true;
    this.#inFlight += 1;
    response.on('close', state.served); // a response closes once
    this.#handler(request, response);
  }

  /** Serves the next waiting request, if any. */
  #next(state: SocketState, socket: Socket): void {
    if (state.serving || state.waiting.length === 0 || socket.destroyed) return;
    const [request, response] = state.waiting.shift() as [IncomingMessage, ServerResponse];
    this.#serve(state, request, response);
  }
}

/** 503 problem for a request past `maxRequestsPerSocket` (Node's own 503 has no body). */
function tooManyRequests(request: IncomingMessage, response: ServerResponse, limit: number): void {
  const detail = `A connection may send at most ${limit} requests; open a new one`;
  const body = JSON.stringify(transportProblem(503, detail, request.url, randomUUID()));
  response.writeHead(503, { 'content-type': problemContentType, 'content-length': Buffer.byteLength(body) });
  response.end(body);
}
