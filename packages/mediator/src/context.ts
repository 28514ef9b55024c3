import type { ItemOf, Message, Notification, ParsedInputOf, Request, ResponseOf, StreamRequest } from './messages.js';
import type { PublishOptions } from './publish.js';
import type { Scoped } from './scope.js';

/** Who is calling: set by the transport (a token's subject, the local CLI user), checked by behaviors. */
export interface Caller {
  readonly id: string;
  /** Granted permissions; `*` grants every permission. */
  readonly permissions: readonly string[];
}

/** What the caller hands to one dispatch. */
export interface DispatchOptions {
  /**
   * Cancels the dispatch: it rejects with a `CANCELLED` error and handlers see the signal. A function that makes
   * the signal is called only when the dispatch first needs one: when the pipeline goes asynchronous (to race it)
   * or a handler reads `context.signal`. A transport whose requests mostly finish synchronously (SQLite reads)
   * then makes no AbortController, timer or listener for them. Until it is made, nothing can abort the dispatch.
   */
  signal?: AbortSignal | (() => AbortSignal);
  /** Milliseconds before the dispatch rejects with a `TIMEOUT` error (and its signal aborts). */
  timeout?: number;
  /** The authenticated caller, if any. */
  caller?: Caller;
  /** Correlates logs and spans of one operation; generated when absent. */
  correlationId?: string;
  /** Anything else the transport wants handlers and behaviors to see. */
  values?: ReadonlyMap<string, unknown>;
}

/**
 * What a handler or behavior receives besides the message: the caller, the signal, the correlation id, and
 * `send`/`stream`/`publish` that carry this context into nested dispatches.
 */
export interface DispatchContext {
  /**
   * The request's input: what the validation behavior parsed (trimmed, coerced, defaulted) once it has run, the
   * request's own `input` before that. The request itself is never changed. `undefined` for notifications.
   */
  readonly input: unknown;
  readonly signal: AbortSignal;
  readonly correlationId: string;
  readonly caller: Caller | undefined;
  readonly values: ReadonlyMap<string, unknown>;
  send<TRequest extends Request<unknown>>(request: TRequest): Promise<ResponseOf<TRequest>>;
  stream<TRequest extends StreamRequest<unknown>>(request: TRequest): AsyncIterable<ItemOf<TRequest>>;
  publish(notification: Notification, options?: Pick<PublishOptions, 'strategy'>): Promise<void>;
  /**
   * The instance of a scoped service for this dispatch (see `scoped`): built on first use, shared with nested
   * dispatches, disposed when the outermost dispatch ends.
   */
  get<T>(service: Scoped<T>): T;
}

/**
 * The context a handler of `TRequest` receives: `input` is that request's validated input, typed.
 *
 * @example
 * handle(_request: GetUser, { input }: HandlerContext<GetUser>): UserDto { … input.id … }
 */
export interface HandlerContext<TRequest = unknown> extends DispatchContext {
  readonly input: ParsedInputOf<TRequest>;
}

/** What an `onError` hook learns about a failed dispatch. */
export interface DispatchFailure {
  /** The message whose dispatch failed. */
  readonly message: Message;
  readonly operation: 'send' | 'stream' | 'publish';
  readonly context: DispatchContext;
}

/**
 * Sees every failed dispatch (nested ones too) before its caller does. Return nothing to let the failure
 * through, return an error to replace it, or throw one.
 */
export type ErrorHook = (error: unknown, failure: DispatchFailure) => unknown;
