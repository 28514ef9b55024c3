import { createRequire } from 'node:module';
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { DatabaseOptions } from '@slicewise/db';
import {
  type DispatchContext,
  declarationOf,
  type HandlerOverride,
  type HandlerRoute,
  InternalError,
  type MessageClass,
} from '@slicewise/mediator';
import type { FromWorker, RouteKey, ToWorker, WorkerData } from './worker-protocol.js';
import { fromWire, toWire } from './worker-wire.js';

declare module '@slicewise/mediator' {
  interface RequestMeta {
    /**
     * Run this request on the host's worker thread, when the host has one (`createHost({ worker })`): long writes
     * such as bulk imports then never hold the host's event loop. Its input, response (or items) and `caller`
     * must survive structured cloning; a `body` byte stream is piped to the worker chunk by chunk.
     */
    readonly worker?: boolean;
  }
}

/** Where the worker thread finds the slices it composes: the host's own list. */
export interface WorkerOptions {
  /** The module that exports the slice list (a file URL, or an absolute path). */
  readonly module: string | URL;
  /** The name of the export. Default `slices`. */
  readonly export?: string;
}

/** Whether a request is declared to run on the host's worker thread. */
export function runsOnWorker(message: MessageClass): boolean {
  return declarationOf(message)?.meta?.worker === true;
}

/** The worker thread's entry, beside this package's built `index.js` (also when this file runs from source). */
function workerEntry(): URL {
  const index = createRequire(import.meta.url).resolve('@slicewise/host');
  return new URL('./worker-thread.js', pathToFileURL(index));
}

function moduleUrl(module: string | URL): string {
  if (module instanceof URL) return module.href;
  if (module.startsWith('file:')) return module;
  if (isAbsolute(module)) return pathToFileURL(module).href;
  throw new TypeError(`worker.module must be a file URL or an absolute path, not ${module}`);
}

/** A dispatch waiting on the worker: its current wait, and what it sent in that the worker may send back. */
interface Dispatch {
  wait?: { resolve: (message: FromWorker) => void; reject: (error: Error) => void };
  /** Replies that came before anyone waited for them. */
  readonly early: FromWorker[];
  readonly body: AsyncIterator<string | Uint8Array> | undefined;
  readonly own: { body?: unknown; abort?: unknown };
  /** Stops forwarding the dispatch's abort. */
  unlisten?: () => void;
}

/**
 * Runs the requests declared `meta: { worker: true }` on a worker thread that composes the host's slices on the
 * host's database file. The host's pipeline (authorization, validation, behaviors) runs first, in the host's
 * thread; the worker's dispatch then runs it again and calls the slice's handler. One thread serves every such
 * request; it is started with the host and started again, on the next request, if it ever dies.
 */
export class WorkerLane {
  readonly #module: string;
  readonly #exportName: string;
  #data: WorkerData | undefined;
  #slices: readonly string[] = [];
  #worker: Worker | undefined;
  #ready: Promise<void> = Promise.resolve();
  readonly #dispatches = new Map<number, Dispatch>();
  #nextId = 0;
  #closed = false;

  /** `onAnswer` is called on every answer of the worker: what it wrote may have appended events. */
  constructor(
    options: WorkerOptions,
    private readonly onAnswer: () => void,
  ) {
    this.#module = moduleUrl(options.module);
    this.#exportName = options.export ?? 'slices';
  }

  /** The mediator's handler override: a handler that forwards to the worker for each request declared to run there. */
  readonly override: HandlerOverride = (route: HandlerRoute) => {
    if (!runsOnWorker(route.message)) return undefined;
    const key: RouteKey = { slice: route.slice, message: route.message.name };
    const lane = this;
    if (route.kind === 'stream') {
      return { handle: (request: object, context: DispatchContext) => lane.#stream(key, request, context) };
    }
    return { handle: (request: object, context: DispatchContext) => lane.#send(key, request, context) };
  };

  /** Resolves once the worker has composed the same slices as the host; rejects with what stopped it. */
  get ready(): Promise<void> {
    return this.#ready;
  }

  /** Starts the worker on the host's database file, once the host's migrations are applied. */
  start(database: string, databaseOptions: DatabaseOptions | undefined, slices: readonly string[]): void {
    // The host's own checkpointer covers the file: the worker's connection checkpoints only when SQLite must.
    const { checkpoint: _, checkpointIntervalMs: __, ...options } = databaseOptions ?? {};
    this.#data = { module: this.#module, exportName: this.#exportName, database, databaseOptions: options };
    this.#slices = slices;
    this.#spawn();
  }

  /** Tells the worker to abort what it runs and close its connection. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#worker?.postMessage({ type: 'close' } satisfies ToWorker);
    this.#failAll(new InternalError('The host closed'));
  }

  #spawn(): void {
    const worker = new Worker(workerEntry(), { workerData: this.#data });
    this.#worker = worker;
    worker.unref(); // kept alive by the dispatches waiting on it, not by itself
    this.#ready = new Promise<void>((resolve, reject) => {
      const onFirst = (message: FromWorker) => {
        if (message.type === 'failed') reject(fromWire(message.error));
        else if (message.type === 'ready') {
          const mismatch = differ(this.#slices, message.slices);
          if (mismatch) {
            reject(
              new Error(`The worker thread composed ${mismatch}: ${this.#module} must export the host's slice list`),
            );
            void worker.terminate();
          } else resolve();
        }
      };
      worker.once('message', onFirst);
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`The worker thread exited (${code}) before it was ready`)));
    });
    this.#ready.catch(() => undefined); // failures reach whoever awaits `ready` or dispatches
    worker.on('message', (message: FromWorker) => this.#receive(message));
    worker.on('exit', (code) => {
      if (this.#worker === worker) this.#worker = undefined;
      this.#failAll(new InternalError(`The host's worker thread stopped (exit code ${code})`));
    });
    worker.on('error', (error) =>
      this.#failAll(new InternalError("The host's worker thread failed", { cause: error })),
    );
  }

  #failAll(error: Error): void {
    for (const [id, dispatch] of this.#dispatches) {
      this.#dispatches.delete(id);
      dispatch.wait?.reject(error);
    }
    this.#worker?.unref();
  }

  #receive(message: FromWorker): void {
    if (!('id' in message)) return;
    const dispatch = this.#dispatches.get(message.id);
    if (!dispatch) return;
    if (message.type === 'pull') return void this.#pull(message.id, dispatch);
    this.onAnswer();
    const wait = dispatch.wait;
    if (wait) {
      dispatch.wait = undefined;
      wait.resolve(message);
    } else dispatch.early.push(message);
  }

  async #pull(id: number, dispatch: Dispatch): Promise<void> {
    let reply: ToWorker;
    let transfer: ArrayBuffer[] | undefined;
    try {
      const result = await (dispatch.body as AsyncIterator<string | Uint8Array>).next();
      if (result.done) reply = { type: 'chunk', id, done: true };
      else if (typeof result.value === 'string') reply = { type: 'chunk', id, chunk: result.value };
      else {
        const copy = new Uint8Array(result.value); // its own buffer: a Buffer may share a pool with other data
        reply = { type: 'chunk', id, chunk: copy };
        transfer = [copy.buffer];
      }
    } catch (error) {
      dispatch.own.body = error;
      reply = { type: 'chunk', id, error: toWire(error) };
    }
    if (this.#dispatches.get(id) === dispatch) this.#worker?.postMessage(reply, transfer);
  }

  async #begin(
    kind: 'request' | 'stream',
    route: RouteKey,
    request: object,
    context: DispatchContext,
  ): Promise<number> {
    if (this.#closed) throw new InternalError('The host closed');
    if (!this.#worker) this.#spawn();
    await this.#ready;
    const worker = this.#worker;
    if (this.#closed || !worker)
      throw new InternalError(this.#closed ? 'The host closed' : "The host's worker thread stopped");
    const id = ++this.#nextId;
    const body = (request as { body?: unknown }).body;
    const dispatch: Dispatch = { early: [], body: body === undefined ? undefined : chunksOf(body), own: {} };
    const start: ToWorker = {
      type: 'start',
      id,
      kind,
      route,
      input: (request as { input?: unknown }).input,
      body: body !== undefined,
      caller: context.caller,
      correlationId: context.correlationId,
    };
    try {
      worker.postMessage(start);
    } catch (error) {
      throw new InternalError(
        `${route.message}'s input cannot be sent to the worker thread: ${(error as Error).message}`,
      );
    }
    if (this.#dispatches.size === 0) worker.ref();
    this.#dispatches.set(id, dispatch);
    const signal = context.signal;
    const abort = () => {
      dispatch.own.abort = signal.reason;
      if (this.#dispatches.has(id))
        worker.postMessage({ type: 'abort', id, reason: toWire(signal.reason) } satisfies ToWorker);
    };
    if (signal.aborted) abort();
    else {
      signal.addEventListener('abort', abort, { once: true });
      dispatch.unlisten = () => signal.removeEventListener('abort', abort);
    }
    return id;
  }

  #reply(id: number): Promise<FromWorker> {
    const dispatch = this.#dispatches.get(id);
    if (!dispatch) return Promise.reject(new InternalError("The host's worker thread stopped"));
    const early = dispatch.early.shift();
    if (early) return Promise.resolve(early);
    return new Promise((resolve, reject) => {
      dispatch.wait = { resolve, reject };
    });
  }

  #end(id: number): void {
    const dispatch = this.#dispatches.get(id);
    if (!dispatch) return;
    this.#dispatches.delete(id);
    dispatch.unlisten?.();
    void dispatch.body?.return?.().catch(() => undefined);
    if (this.#dispatches.size === 0) this.#worker?.unref();
  }

  #failure(id: number, message: Extract<FromWorker, { type: 'error' }>): Error {
    return fromWire(message.error, this.#dispatches.get(id)?.own);
  }

  async #send(route: RouteKey, request: object, context: DispatchContext): Promise<unknown> {
    const id = await this.#begin('request', route, request, context);
    try {
      const reply = await this.#reply(id);
      if (reply.type === 'error') throw this.#failure(id, reply);
      return (reply as { value?: unknown }).value;
    } finally {
      this.#end(id);
    }
  }

  async *#stream(route: RouteKey, request: object, context: DispatchContext): AsyncGenerator<unknown> {
    const id = await this.#begin('stream', route, request, context);
    let finished = false;
    try {
      this.#worker?.postMessage({ type: 'next', id } satisfies ToWorker);
      for (;;) {
        const reply = await this.#reply(id);
        if (reply.type === 'error') {
          finished = true;
          throw this.#failure(id, reply);
        }
        if (reply.type === 'done') {
          finished = true;
          return;
        }
        // One item ahead: the worker makes the next item while this one is consumed, rather than waiting for this
        // thread to ask. A consumer that stops reading still stops the worker, one item later.
        this.#worker?.postMessage({ type: 'next', id } satisfies ToWorker);
        yield (reply as { value: unknown }).value;
      }
    } finally {
      if (!finished && this.#dispatches.has(id)) this.#worker?.postMessage({ type: 'return', id } satisfies ToWorker);
      this.#end(id);
    }
  }
}

/** A request's body as chunks: a string or bytes whole, an iterable or async iterable (a Node `Readable`) as it comes. */
async function* chunksOf(body: unknown): AsyncGenerator<string | Uint8Array> {
  if (typeof body === 'string' || body instanceof Uint8Array) yield body;
  else if (isIterable(body)) yield* body;
  else
    throw new InternalError(
      'A request body must be a string, bytes, or an (async) iterable of them to reach the worker',
    );
}

function isIterable(value: unknown): value is AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array> {
  const candidate = value as { [Symbol.asyncIterator]?: unknown; [Symbol.iterator]?: unknown } | null | undefined;
  return typeof candidate?.[Symbol.asyncIterator] === 'function' || typeof candidate?.[Symbol.iterator] === 'function';
}

/** How two slice lists differ, or undefined when they hold the same slices. */
function differ(host: readonly string[], worker: readonly string[]): string | undefined {
  const missing = host.filter((name) => !worker.includes(name));
  const extra = worker.filter((name) => !host.includes(name));
  if (missing.length === 0 && extra.length === 0) return undefined;
  const parts = [
    ...(missing.length > 0 ? [`without ${missing.join(', ')}`] : []),
    ...(extra.length > 0 ? [`with ${extra.join(', ')} the host does not compose`] : []),
  ];
  return `a different slice list (${parts.join('; ')})`;
}
