import type { StandardSchemaV1 } from '@standard-schema/spec';
import type { Message, MessageClass } from './messages.js';

/**
 * What adapters (HTTP, CLI, a queue consumer…) need to know about a request, keyed by adapter. The mediator never
 * reads it. Each adapter types its own key by declaration merging, as `@slicewise/fastify` does for `http`:
 *
 * @example
 * declare module '@slicewise/mediator' {
 *   interface RequestMeta { http?: HttpMeta }
 * }
 */
export interface RequestMeta {
  readonly [adapter: string]: unknown;
}

/**
 * Everything hosts need to know about a request, declared once in the slice, free of any HTTP or CLI
 * framework: its input and output schemas, a description, what it requires of the caller, and `meta` that
 * adapters read to expose it.
 */
export interface RequestDeclaration<TInput = unknown, TOutput = unknown> {
  /** A Standard Schema (zod, valibot, arktype…) for the request's `input`; validated before the handler. */
  readonly input?: StandardSchemaV1<unknown, TInput>;
  /**
   * A Standard Schema describing the response. Hosts use it to document the response (OpenAPI) and to serialize
   * it fast (Fastify's schema-based serialization). It is not validated at dispatch (no runtime cost): a slice
   * tests that its handler's results pass it.
   */
  readonly output?: StandardSchemaV1<unknown, TOutput>;
  /** One sentence for help texts and API docs. */
  readonly description?: string;
  /** Adapters' settings, keyed by adapter (`http`, `cli`…); see {@link RequestMeta}. */
  readonly meta?: RequestMeta;
  /** Permissions the caller must hold; any entry also means the caller must be authenticated. */
  readonly permissions?: readonly string[];
}

/**
 * Declares a hand-written request class's schemas and meta; assign it to `static declaration`. The request's
 * constructor takes its raw input as its one argument and keeps it as `input`; the handler reads the validated
 * input from `context.input`. `defineQuery`/`defineCommand`/`defineStream` write such a class for you.
 *
 * @example
 * const input = z.object({ id: z.coerce.number().int().positive() });
 * export class GetUser extends Query<UserDto> {
 *   static readonly declaration = declareRequest({
 *     input,
 *     output: userDtoSchema, // describes the UserDto response; not checked at dispatch
 *     meta: { http: { method: 'GET', path: '/users/{id}' } },
 *   });
 *   constructor(readonly input: InputOf<typeof input>) { super(); }
 * }
 */
export function declareRequest<TInput = unknown, TOutput = unknown>(
  declaration: RequestDeclaration<TInput, TOutput>,
): RequestDeclaration<TInput, TOutput> {
  return declaration;
}

/** The validated input type of a Standard Schema. */
export type InputOf<TSchema extends StandardSchemaV1> = StandardSchemaV1.InferOutput<TSchema>;

/** The declaration a message class carries, or an empty one. */
export function declarationOf(messageClass: MessageClass): RequestDeclaration {
  return (messageClass as unknown as { declaration?: RequestDeclaration }).declaration ?? {};
}

/**
 * Builds a request from raw transport input (path, query and body, or CLI arguments, merged into one object).
 * By convention a declared request's constructor takes its input; the validation behavior then checks it.
 */
export function requestFromInput<TMessage extends Message>(
  messageClass: MessageClass<TMessage>,
  input: unknown,
): TMessage {
  const Concrete = messageClass as unknown as new (input: unknown) => TMessage;
  return new Concrete(input);
}
