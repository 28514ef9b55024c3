import build from 'fast-json-stringify';
import { type JsonSchema, standardJsonSchema } from './json-schema.js';

/** How a route serializes its success: the response's JSON Schema and the function compiled from it. */
export interface ResponseSerializer {
  /** The declared output as draft-07 JSON Schema, given to Fastify as the route's response schema. */
  readonly schema: JsonSchema;
  /**
   * fast-json-stringify's serializer of that schema. It writes the schema's properties only, in the schema's order;
   * it throws (before anything is sent) when a required property is missing or a value cannot be coerced to its
   * type, and coerces the rest as its type says (`"7"` → `7` for an integer, `null` → `""` for a string).
   */
  readonly serialize: (value: unknown) => string;
}

/** Why a declared output is not used to serialize (the route then sends `JSON.stringify` of the result). */
export interface SerializerFallback {
  readonly serialize?: undefined;
  readonly reason: string;
}

/**
 * The serializer of a request's declared `output`: its draft-07 JSON Schema (fast-json-stringify's dialect),
 * compiled once, here, so that a schema fast-json-stringify cannot compile is a fallback instead of a server that
 * does not start. Undefined when nothing is declared.
 */
export function responseSerializer(output: unknown): ResponseSerializer | SerializerFallback | undefined {
  if (output === undefined) return undefined;
  const schema = standardJsonSchema(output, 'output', 'draft-07');
  if (schema === undefined) return { reason: 'its library cannot say its JSON Schema' };
  try {
    return { schema, serialize: build(schema as build.AnySchema) };
  } catch (error) {
    return { reason: `fast-json-stringify cannot compile its JSON Schema: ${(error as Error).message}` };
  }
}
