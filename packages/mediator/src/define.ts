import type { StandardSchemaV1 } from '@standard-schema/spec';
import type { RequestDeclaration, RequestMeta } from './declaration.js';
import { Command, Query, StreamRequest } from './messages.js';

type Schema = StandardSchemaV1;

/** What `defineQuery`, `defineCommand` and `defineStream` take: a request's declaration, with its schemas typed. */
export interface RequestDefinition<TInputSchema extends Schema | undefined, TOutputSchema extends Schema | undefined> {
  /** A Standard Schema for the input; its output reaches the handler as `context.input`. */
  readonly input?: TInputSchema;
  /** A Standard Schema for the response (or, for a stream, each item): it gives the response type and documents it. */
  readonly output?: TOutputSchema;
  readonly description?: string;
  readonly permissions?: readonly string[];
  readonly meta?: RequestMeta;
}

/** What a caller passes to the constructor: the input schema's input type, optional when it accepts `undefined`. */
type RawInput<TInputSchema> = TInputSchema extends Schema ? StandardSchemaV1.InferInput<TInputSchema> : undefined;
/** What the handler receives as `context.input`. */
type ParsedInput<TInputSchema> = TInputSchema extends Schema ? StandardSchemaV1.InferOutput<TInputSchema> : undefined;
/** The response type the output schema gives; `void` without one. */
// biome-ignore lint/suspicious/noConfusingVoidType: a command without output responds as a function returning nothing
type Output<TOutputSchema> = TOutputSchema extends Schema ? StandardSchemaV1.InferOutput<TOutputSchema> : void;
/** The input is optional when `undefined` is valid or every field is optional (then it defaults to `{}`). */
type ConstructorArgs<TRaw> = undefined extends TRaw
  ? [input?: TRaw]
  : Partial<TRaw> extends TRaw
    ? [input?: TRaw]
    : [input: TRaw];

/** The class `defineQuery`/`defineCommand`/`defineStream` return: extend it, and name the subclass after the request. */
export interface DefinedRequestClass<TMessage, TRaw, TInputSchema, TOutputSchema> {
  new (...args: ConstructorArgs<TRaw>): TMessage & { readonly input: TRaw };
  readonly declaration: RequestDeclaration<ParsedInput<TInputSchema>, Output<TOutputSchema>>;
}

/** What the constructor keeps: the input given, or `{}` when none is given and an input schema is declared. */
function ownInput(declaration: RequestDefinition<Schema | undefined, Schema | undefined>, input: unknown): unknown {
  return input === undefined && declaration.input !== undefined ? {} : input;
}

/** A request base class of `Base` carrying `definition` as its declaration and the raw input as `input`. */
function definedClass(
  Base: abstract new () => object,
  helper: string,
  definition: RequestDefinition<Schema | undefined, Schema | undefined>,
): abstract new (
  input?: unknown,
) => object {
  const declaration = checked(helper, definition);
  abstract class Defined extends Base {
    static readonly declaration = declaration;
    readonly input: unknown;
    constructor(input?: unknown) {
      super();
      this.input = ownInput(declaration, input);
    }
  }
  return Defined;
}

function checked<T extends object>(kind: string, definition: T): T {
  if (definition === null || typeof definition !== 'object') {
    throw new TypeError(`${kind} takes one object: { input?, output?, description?, permissions?, meta? }`);
  }
  return definition;
}

/**
 * The base class of a query: its declaration, a constructor that keeps the raw input as `input`, and types
 * inferred from the schemas (the response from `output`, `context.input` from `input`).
 *
 * @example
 * export class GetUser extends defineQuery({
 *   input: z.object({ id: userIdSchema }),
 *   output: userDtoSchema,
 *   meta: { http: { method: 'GET', path: '/users/{id}' }, cli: { command: 'users get', args: ['id'] } },
 * }) {}
 * // its handler: handle(_request: GetUser, { input }: HandlerContext<GetUser>) { … input.id … }
 */
export function defineQuery<
  TInputSchema extends Schema | undefined = undefined,
  TOutputSchema extends Schema | undefined = undefined,
>(
  definition: RequestDefinition<TInputSchema, TOutputSchema>,
): DefinedRequestClass<
  Query<Output<TOutputSchema>, ParsedInput<TInputSchema>>,
  RawInput<TInputSchema>,
  TInputSchema,
  TOutputSchema
> {
  return definedClass(Query, 'defineQuery', definition) as never;
}

/** The base class of a command, as {@link defineQuery} makes one of a query. Without `output` it responds `void`. */
export function defineCommand<
  TInputSchema extends Schema | undefined = undefined,
  TOutputSchema extends Schema | undefined = undefined,
>(
  definition: RequestDefinition<TInputSchema, TOutputSchema>,
): DefinedRequestClass<
  Command<Output<TOutputSchema>, ParsedInput<TInputSchema>>,
  RawInput<TInputSchema>,
  TInputSchema,
  TOutputSchema
> {
  return definedClass(Command, 'defineCommand', definition) as never;
}

/** The base class of a stream request; `output` describes each item it yields. */
export function defineStream<
  TInputSchema extends Schema | undefined = undefined,
  TOutputSchema extends Schema | undefined = undefined,
>(
  definition: RequestDefinition<TInputSchema, TOutputSchema>,
): DefinedRequestClass<
  StreamRequest<Output<TOutputSchema>, ParsedInput<TInputSchema>>,
  RawInput<TInputSchema>,
  TInputSchema,
  TOutputSchema
> {
  return definedClass(StreamRequest, 'defineStream', definition) as never;
}
