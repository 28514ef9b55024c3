import type { Socket } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { problemContentType, transportProblem } from './problem.js';

/** What one connection may hold of the server. */
export interface ConnectionGuardOptions {
  /** Most requests one connection may send (0 = no limit): the last one carries `Connection: close`. */
  readonly maxRequestsPerSocket: number;
  /** Most requests one connection may have waiting behind an unfinished response; past it, it is closed. */
  readonly maxPipelinedRequests: number;
  /** Unsent response bytes past which a connection's next request waits for its client to read ('drain'). */
  readonly socketWriteLimit: number;
}

/** A connection's requests: how many were seen, whether one is being served, and the ones waiting their turn. */
interface SocketState {
  requests: number;
  serving: boolean;
  awaitingDrain: boolean;
  readonly waiting: ((abandoned: boolean) => void)[];
}

/**
 * Back-pressure and per-connection limits, as the first `onRequest` hook. A connection is served one request
 * at a time, in order: a pipelined request waits until the response before it has closed and the socket holds
 * no more than `socketWriteLimit` unsent bytes. So a client that pipelines and never reads makes the server hold
 * one response and a bounded write buffer, not all of them; one that pipelines past `maxPipelinedRequests` is
 * disconnected. Also counts the requests in flight, for a drain before shutdown.
 */
export class ConnectionGuard {
  readonly #options: ConnectionGuardOptions;
  readonly #states = new WeakMap<Socket, SocketState>();
  #inFlight = 0;
  #idle: (() => void)[] = [];

  constructor(options: ConnectionGuardOptions) {
    this.#options = options;
  }

  /** Requests admitted whose response has not closed yet. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** Resolves once no admitted request is in flight. */
  idle(): Promise<void> {
    if (this.#inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  /** The `onRequest` hook. */
  readonly onRequest = (request: FastifyRequest, reply: FastifyReply, done: () => void): void => {
    const socket = request.raw.socket;
    const state = this.#stateOf(socket);
    state.requests += 1;
    const { maxRequestsPerSocket } = this.#options;
    if (maxRequestsPerSocket > 0 && state.requests >= maxRequestsPerSocket) {
      reply.raw.shouldKeepAlive = false; // Connection: close on this answer
      if (state.requests > maxRequestsPerSocket) {
        const detail = `A connection may send at most ${maxRequestsPerSocket} requests; open a new one`;
        reply
          .status(503)
          .type(problemContentType)
          .send(transportProblem(503, detail, request.url, request.id));
        return;
      }
    }
    if (!state.serving && state.waiting.length === 0 && socket.writableLength <= this.#options.socketWriteLimit) {
      this.#admit(state, reply, socket);
      done();
      return;
    }
    if (state.waiting.length >= this.#options.maxPipelinedRequests) {
      request.log.warn({ waiting: state.waiting.length }, 'too many pipelined requests: closing the connection');
      socket.destroy();
      return;
    }
    state.waiting.push((abandoned) => {
      if (abandoned) {
        reply.hijack(); // the connection is gone: nothing to answer, no handler to run
        return;
      }
      this.#admit(state, reply, socket);
      done();
    });
  };

  #stateOf(socket: Socket): SocketState {
    let state = this.#states.get(socket);
    if (state === undefined) {
      const created: SocketState = { requests: 0, serving: false, awaitingDrain: false, waiting: [] };
      socket.once('close', () => {
        for (const abandon of created.waiting.splice(0)) abandon(true);
      });
      this.#states.set(socket, created);
      state = created;
    }
    return state;
  }

  #admit(state: SocketState, reply: FastifyReply, socket: Socket): void {
    state.serving = true;
    this.#inFlight += 1;
    reply.raw.once('close', () => {
      state.serving = false;
      this.#inFlight -= 1;
      if (this.#inFlight === 0) for (const resolve of this.#idle.splice(0)) resolve();
      this.#next(state, socket);
    });
  }

  /** Lets the next waiting request in once the socket's unsent bytes are within the limit. */
  #next(state: SocketState, socket: Socket): void {
    if (state.serving || state.awaitingDrain || state.waiting.length === 0) return;
    if (socket.destroyed) return; // 'close' abandons the waiting requests
    if (socket.writableLength > this.#options.socketWriteLimit) {
      state.awaitingDrain = true;
      socket.once('drain', () => {
        state.awaitingDrain = false;
        this.#next(state, socket);
      });
      return;
    }
    state.waiting.shift()?.(false);
  }
}
