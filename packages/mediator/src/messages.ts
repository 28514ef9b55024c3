declare const responseType: unique symbol;
declare const itemType: unique symbol;
declare const notificationBrand: unique symbol;
declare const inputType: unique symbol;
declare const streamInputType: unique symbol;

/**
 * A message with exactly one handler and a response. Its response type travels with it, so
 * `mediator.send(new GetUser({ id: 7 }))` is typed without a cast. Extend {@link Query} or {@link Command}, or
 * let `defineQuery`/`defineCommand` write the class. `TInput` is the validated input its handler receives as
 * `context.input`.
 */
export abstract class Request<TResponse, TInput = unknown> {
  /** Phantom marker: never set at run time, only carries `TResponse` for inference. */
  declare readonly [responseType]?: TResponse;
  /** Phantom marker carrying the validated input type. */
  declare readonly [inputType]?: TInput;
}

/** A request that reads and changes nothing. */
export abstract class Query<TResponse, TInput = unknown> extends Request<TResponse, TInput> {
  static readonly kind = 'query';
}

/** A request that changes state. */
export abstract class Command<TResponse = void, TInput = unknown> extends Request<TResponse, TInput> {
  static readonly kind = 'command';
}

/** A request whose one handler yields items over time (`mediator.stream`), e.g. import progress. */
export abstract class StreamRequest<TItem, TInput = unknown> {
  static readonly kind = 'stream';
  /** Phantom marker carrying the item type. */
  declare readonly [itemType]?: TItem;
  /** Phantom marker carrying the validated input type (its own symbol: a stream request is no `Request`). */
  declare readonly [streamInputType]?: TInput;
}

/** Something that happened, told to zero or more handlers (`mediator.publish`). Name it in the past tense. */
export abstract class Notification {
  static readonly kind = 'notification';
  declare readonly [notificationBrand]?: true;
}

/** Any message a slice can handle. */
export type Message = Request<unknown> | StreamRequest<unknown> | Notification;

/** The response type a request carries. */
export type ResponseOf<TRequest> = TRequest extends Request<infer TResponse> ? TResponse : never;

/**
 * The validated input a request's handler receives as `context.input`: the type its class declares (`defineQuery`
 * does), else the type of its `input` property, else `unknown`.
 */
export type ParsedInputOf<TRequest> =
  DeclaredInput<TRequest> extends infer TInput
    ? unknown extends TInput
      ? TRequest extends { readonly input: infer TOwn }
        ? TOwn
        : unknown
      : TInput
    : never;

type DeclaredInput<TRequest> =
  TRequest extends Request<unknown, infer TInput>
    ? TInput
    : TRequest extends StreamRequest<unknown, infer TInput>
      ? TInput
      : unknown;

/** The item type a stream request yields. */
export type ItemOf<TRequest> = TRequest extends StreamRequest<infer TItem> ? TItem : never;

/** The kind of a message class: how it is dispatched, and what behaviors can target. */
export type MessageKind = 'query' | 'command' | 'request' | 'stream' | 'notification';

/** A message class: the key its handlers are registered under. */
export type MessageClass<TMessage extends Message = Message> = abstract new (
  // biome-ignore lint/suspicious/noExplicitAny: constructor parameters of any message class
  ...args: any[]
) => TMessage;

/** A request class. */
export type RequestClass<TRequest extends Request<unknown> = Request<unknown>> = MessageClass<TRequest>;

/** Whether a message class is a query, a command, a stream request or a notification. */
export function kindOf(messageClass: MessageClass): MessageKind {
  return (messageClass as unknown as { kind?: MessageKind }).kind ?? 'request';
}
