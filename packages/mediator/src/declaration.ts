import type { StandardSchemaV1 } from '@standard-schema/spec';
import type { Message, MessageClass } from './messages.js';

/** An HTTP method a request can be exposed on. */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** How a host exposes a request over HTTP. Path parameters are written `{name}`. */
export interface HttpExposure {
  readonly method: HttpMethod;
  readonly path: string;
  /** Status of a success. Default 200. */
  readonly status?: number;
  /** Body format for POST/PUT/PATCH: a JSON object (default) or an NDJSON stream (stream requests). */
  readonly body?: 'json' | 'ndjson';
}

/** How a host exposes a request as a CLI command. */
export interface CliExposure {
  /** The command words, e.g. `users get`. */
  readonly command: string;
  /** Input fields taken as positional arguments, in order; the other fields are `--options`. */
  readonly args?: readonly string[];
}

/**
 * Everything hosts need to know about a request, declared once in the slice, free of any HTTP or CLI
 * framework: its input and output schemas, a description, how it is exposed, and what it requires of the caller.
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
  readonly http?: HttpExposure;
  readonly cli?: CliExposure;
  /** Permissions the caller must hold; any entry also means the caller must be authenticated. */
  readonly permissions?: readonly string[];
}

/**
 * Declares a request class's input schema, output schema and exposure; assign it to `static declaration`. The
 * request's constructor then takes the input schema's output as its one argument and keeps it as `input`.
 *
 * @example
 * const input = z.object({ id: z.coerce.number().int().positive() });
 * export class GetUser extends Query<UserDto> {
 *   static readonly declaration = declareRequest({
 *     input,
 *     output: userDtoSchema, // describes the UserDto response; not checked at dispatch
 *     http: { method: 'GET', path: '/users/{id}' },
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
