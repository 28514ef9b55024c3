/**
 * The host's worker thread: composes the host's slices on its database file (a connection of its own; the event
 * log only appends here, the host drives the subscriptions) and runs the requests the host hands it.
 */
import 'reflect-metadata';
import { type MessagePort, parentPort, workerData } from 'node:worker_threads';
import {
  type DispatchOptions,
  InternalError,
  type MessageClass,
  type Request,
  requestFromInput,
  type Slice,
  type StreamRequest,
} from '@slicewise/mediator';
import { createHost, type Host } from './create-host.js';
import type { FromWorker, ToWorker, WorkerData } from './worker-protocol.js';
import { fromWire, toWire } from './worker-wire.js';

const port: MessagePort = parentPort ?? notAWorker();
function notAWorker(): never {
  throw new Error('worker-thread.js runs as the worker thread of a Slicewise host');
}
const data = workerData as WorkerData;
const post = (message: FromWorker, transfer?: ArrayBuffer[]) => port.postMessage(message, transfer);

/** One request running here, as the host drives it. */
interface Running {
  readonly controller: AbortController;
  /** A stream's items, pulled one `next` at a time. */
  items?: AsyncIterator<unknown>;
  /** The body pull waiting for the host's next chunk. */
  pull?: { resolve: (result: IteratorResult<string | Uint8Array>) => void; reject: (error: Error) => void };
}
const running = new Map<number, Running>();

type Chunk = IteratorResult<string | Uint8Array>;

/** Asks the host for the body's next chunk. */
function pull(id: number): Promise<Chunk> {
  return new Promise<Chunk>((resolve, reject) => {
    const run = running.get(id);
    if (!run) return resolve({ done: true, value: undefined });
    run.pull = { resolve, reject };
    post({ type: 'pull', id });
  });
}

/**
 * The request's body, pulled from the host one chunk ahead: the host reads the next chunk while this thread parses
 * the last one. Never more than one chunk waits here, so a slow import still slows the reading of its body.
 */
function bodyOf(id: number): AsyncIterable<string | Uint8Array> {
  let ahead: Promise<Chunk> | undefined;
  const next = async (): Promise<Chunk> => {
    const result = await (ahead ?? pull(id));
    ahead = result.done ? undefined : pull(id);
    ahead?.catch(() => undefined); // its failure reaches the next `next`, not the process's unhandled rejections
    return result;
  };
  return { [Symbol.asyncIterator]: () => ({ next }) };
}

function answer(id: number, message: FromWorker): void {
  try {
    post(message);
  } catch (error) {
    // An item or response structured cloning cannot copy (a function, a class instance with private state…).
    const failure = new InternalError(`The worker thread cannot send its answer: ${(error as Error).message}`);
    post({ type: 'error', id, error: toWire(failure) });
  }
}

function fail(id: number, error: unknown): void {
  running.delete(id);
  post({ type: 'error', id, error: toWire(error) });
}

function start(host: Host, classes: Map<string, MessageClass>, message: Extract<ToWorker, { type: 'start' }>): void {
  const { id, route } = message;
  const messageClass = classes.get(`${route.slice}/${route.message}`);
  if (!messageClass) {
    fail(id, new InternalError(`The worker composes no ${route.message} of ${route.slice}`));
    return;
  }
  const controller = new AbortController();
  const run: Running = { controller };
  running.set(id, run);
  const input = message.body ? { ...(message.input as object | undefined), body: bodyOf(id) } : message.input;
  const options: DispatchOptions = {
    signal: controller.signal,
    correlationId: message.correlationId,
    ...(message.caller && { caller: message.caller }),
  };
  try {
    const request = requestFromInput(messageClass, input);
    if (message.kind === 'stream') {
      run.items = host.mediator.stream(request as StreamRequest<unknown>, options)[Symbol.asyncIterator]();
      return;
    }
    host.mediator.send(request as Request<unknown>, options).then(
      (value) => {
        running.delete(id);
        answer(id, { type: 'done', id, value });
      },
      (error: unknown) => fail(id, error),
    );
  } catch (error) {
    fail(id, error);
  }
}

function next(id: number): void {
  const items = running.get(id)?.items;
  if (!items) return;
  items.next().then(
    (result) => {
      if (result.done) running.delete(id);
      answer(id, result.done ? { type: 'done', id } : { type: 'item', id, value: result.value });
    },
    (error: unknown) => fail(id, error),
  );
}

function chunk(message: Extract<ToWorker, { type: 'chunk' }>): void {
  const run = running.get(message.id);
  const pull = run?.pull;
  if (!run || !pull) return;
  run.pull = undefined;
  if ('error' in message) pull.reject(fromWire(message.error, undefined, 'body'));
  else if ('done' in message) pull.resolve({ done: true, value: undefined });
  else pull.resolve({ done: false, value: message.chunk });
}

function serve(host: Host, classes: Map<string, MessageClass>): void {
  port.on('message', (message: ToWorker) => {
    switch (message.type) {
      case 'start':
        return start(host, classes, message);
      case 'next':
        return next(message.id);
      case 'chunk':
        return chunk(message);
      case 'return': {
        const run = running.get(message.id);
        running.delete(message.id);
        void run?.items?.return?.().catch(() => undefined);
        return;
      }
      case 'abort':
        return running.get(message.id)?.controller.abort(fromWire(message.reason, undefined, 'abort'));
      case 'close':
        for (const run of running.values()) run.controller.abort(new InternalError('The host closed'));
        host.close();
        port.close();
    }
  });
}

async function compose(): Promise<void> {
  let host: Host | undefined;
  try {
    const exported = (await import(data.module)) as Record<string, unknown>;
    const slices = exported[data.exportName];
    if (!Array.isArray(slices)) {
      throw new TypeError(`${data.module} exports no slice list named ${data.exportName}`);
    }
    host = createHost({
      slices: slices as Slice[],
      database: data.database,
      ...(data.databaseOptions && { databaseOptions: data.databaseOptions }),
      events: { drive: false },
    });
  } catch (error) {
    post({ type: 'failed', error: toWire(error) });
    port.close();
    return;
  }
  const classes = new Map<string, MessageClass>();
  for (const slice of host.mediator.slices) {
    for (const { kind, message } of slice.handlers ?? []) {
      if (kind !== 'notification') classes.set(`${slice.name}/${message.name}`, message);
    }
  }
  serve(host, classes);
  post({ type: 'ready', slices: host.mediator.slices.map((slice) => slice.name) });
}

await compose();
