declare const responseType: unique symbol;

/**
 * A message with exactly one handler and a response. Its response type travels with it, so
 * `mediator.send(new GetUser(7))` is typed without a cast. Extend {@link Query} or {@link Command}.
 */
export abstract class Request<TResponse> {
  /** Phantom marker: never set at run time, only carries `TResponse` for inference. */
  declare readonly [responseType]?: TResponse;
}

/** A request that reads and changes nothing. */
export abstract class Query<TResponse> extends Request<TResponse> {
  static readonly kind = 'query';
}

/** A request that changes state. */
export abstract class Command<TResponse = void> extends Request<TResponse> {
  static readonly kind = 'command';
}

/** The response type a request carries. */
export type ResponseOf<TRequest> = TRequest extends Request<infer TResponse> ? TResponse : never;

/** A request class: the key a handler is registered under. */
export type RequestClass<TRequest extends Request<unknown> = Request<unknown>> = abstract new (
  // biome-ignore lint/suspicious/noExplicitAny: constructor parameters of any request class
  ...args: any[]
) => TRequest;

/** Whether a request class is a query or a command (`request` for a plain {@link Request}). */
export function kindOf(requestClass: RequestClass): 'query' | 'command' | 'request' {
  return (requestClass as unknown as { kind?: 'query' | 'command' }).kind ?? 'request';
}
