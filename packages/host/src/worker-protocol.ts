import type { DatabaseOptions } from '@slicewise/db';
import type { Caller } from '@slicewise/mediator';
import type { WireError } from './worker-wire.js';

/** What the host hands its worker thread when starting it. */
export interface WorkerData {
  /** The module (a file URL) that exports the slices, and the export's name. */
  readonly module: string;
  readonly exportName: string;
  /** The host's database file, and how to open it. */
  readonly database: string;
  readonly databaseOptions: DatabaseOptions | undefined;
}

/** A request or stream request, by its slice and class name. */
export interface RouteKey {
  readonly slice: string;
  readonly message: string;
}

/** What the host tells its worker. */
export type ToWorker =
  | {
      readonly type: 'start';
      readonly id: number;
      readonly kind: 'request' | 'stream';
      readonly route: RouteKey;
      /** The request's own (raw) input; the worker's pipeline validates it again. */
      readonly input: unknown;
      /** Whether the request carries a `body` byte stream, which the worker then pulls chunk by chunk. */
      readonly body: boolean;
      readonly caller: Caller | undefined;
      readonly correlationId: string;
    }
  /** A stream's next item, please. */
  | { readonly type: 'next'; readonly id: number }
  /** The consumer stopped early: end the stream. */
  | { readonly type: 'return'; readonly id: number }
  /** The next chunk of the body, the body's end, or its failure. */
  | { readonly type: 'chunk'; readonly id: number; readonly chunk: string | Uint8Array }
  | { readonly type: 'chunk'; readonly id: number; readonly done: true }
  | { readonly type: 'chunk'; readonly id: number; readonly error: WireError }
  | { readonly type: 'abort'; readonly id: number; readonly reason: WireError }
  | { readonly type: 'close' };

/** What the worker tells its host. */
export type FromWorker =
  | { readonly type: 'ready'; readonly slices: readonly string[] }
  | { readonly type: 'failed'; readonly error: WireError }
  | { readonly type: 'pull'; readonly id: number }
  | { readonly type: 'item'; readonly id: number; readonly value: unknown }
  /** A stream's end, or a request's response (`value`). */
  | { readonly type: 'done'; readonly id: number; readonly value?: unknown }
  | { readonly type: 'error'; readonly id: number; readonly error: WireError };
