/**
 * Fixture requests for output schemas (tests only): results that keep to, go beyond or break their declared
 * output, and an output fast-json-stringify cannot compile. Not composed by the production entry point.
 */
import {
  declareRequest,
  defineSlice,
  type HandlerContext,
  handle,
  type InputOf,
  Query,
  type RequestHandler,
} from '@slicewise/mediator';
import { Service } from 'typedi';
import { z } from 'zod';
import { type AccountDto, accountDtoSchema } from './accounts.js';

const shapeInput = z.object({ shape: z.enum(['exact', 'unordered', 'extra', 'missing', 'mistyped', 'null']) });

/** The results `ShapeAccount` answers, by name; all but `exact` and `unordered` break the `AccountDto` contract. */
export const shapes: Record<InputOf<typeof shapeInput>['shape'], unknown> = {
  exact: { id: 1, handle: 'alice', email: 'alice@example.com', age: 31 },
  unordered: { age: null, email: 'bob@example.com', handle: 'bob', id: 2 },
  extra: { id: 1, handle: 'alice', email: 'alice@example.com', age: 31, passwordHash: 'scrypt$secret', note: 'x' },
  missing: { id: 1, handle: 'alice', age: 31 },
  mistyped: { id: 'one', handle: 'alice', email: 'alice@example.com', age: 31 },
  null: null,
};

/** Answers `shapes[shape]` as an account, whatever it is: the declared output decides what is sent. */
export class ShapeAccount extends Query<AccountDto, InputOf<typeof shapeInput>> {
  static readonly declaration = declareRequest({
    input: shapeInput,
    output: accountDtoSchema,
    description: 'An account of the given shape (tests output serialization)',
    meta: { http: { method: 'GET', path: '/fixtures/output' } },
  });
  constructor(readonly input: InputOf<typeof shapeInput>) {
    super();
  }
}

/** What `UncompiledOutput` answers, sent as it is. */
export interface Pair {
  id: number;
  extra: string;
}

/**
 * An output whose library says its JSON Schema, but whose draft-07 schema (what fast-json-stringify reads) points at
 * a definition that is not there; its 2020-12 schema (for OpenAPI) is fine.
 */
const uncompilable = {
  '~standard': {
    version: 1 as const,
    vendor: 'fixture',
    validate: (value: unknown) => ({ value: value as Pair }),
    jsonSchema: {
      output: ({ target }: { target: string }): Record<string, unknown> =>
        target === 'draft-07'
          ? { type: 'object', properties: { id: { $ref: '#/definitions/missing' } } }
          : { type: 'object', properties: { id: { type: 'integer' } } },
    },
  },
};

/** Declares an output fast-json-stringify cannot compile: the route falls back to `JSON.stringify`. */
export class UncompiledOutput extends Query<Pair> {
  static readonly declaration = declareRequest({
    output: uncompilable,
    description: 'A result whose output schema cannot be compiled (tests the fallback)',
    meta: { http: { method: 'GET', path: '/fixtures/output-fallback' } },
  });
}

@Service()
class ShapeAccountHandler implements RequestHandler<ShapeAccount> {
  handle(_request: ShapeAccount, { input }: HandlerContext<ShapeAccount>): AccountDto {
    return shapes[input.shape] as AccountDto; // deliberately whatever the shape is
  }
}

@Service()
class UncompiledOutputHandler implements RequestHandler<UncompiledOutput> {
  handle(): Pair {
    return { id: 7, extra: 'kept: nothing filters it' };
  }
}

/** The fixture slice of output schemas. */
export const outputs = defineSlice({
  name: 'fixture-outputs',
  version: '0.0.0',
  handlers: [handle(ShapeAccount, ShapeAccountHandler), handle(UncompiledOutput, UncompiledOutputHandler)],
});
