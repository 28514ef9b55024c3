import type { ExposedRequest } from './http-meta.js';
import { type JsonSchema, standardJsonSchema } from './json-schema.js';

/**
 * The JSON Schema (2020-12) of a Standard Schema's input, when its library can say it (zod 4 can); otherwise a
 * permissive object schema.
 */
export function inputJsonSchema(schema: unknown): JsonSchema {
  return standardJsonSchema(schema, 'input', 'draft-2020-12') ?? { type: 'object' };
}

/**
 * The JSON Schema (2020-12) of a declared `output`, when its library can say it; otherwise `{}` (any JSON): the
 * response is documented without a shape.
 */
export function outputJsonSchema(schema: unknown): JsonSchema {
  return standardJsonSchema(schema, 'output', 'draft-2020-12') ?? {};
}

const ndjsonType = 'application/x-ndjson';

/** An object schema of some of an input schema's fields. */
function objectOf(names: readonly string[], properties: Record<string, JsonSchema>, required: Set<string>) {
  const needed = names.filter((name) => required.has(name));
  const schema: JsonSchema = {
    type: 'object',
    properties: Object.fromEntries(names.map((name) => [name, properties[name] ?? { type: 'string' }])),
  };
  if (needed.length > 0) schema.required = needed;
  return schema;
}

/** The success response of an operation, in `@fastify/swagger`'s route-schema form. */
function successResponse({ description, http }: ExposedRequest): JsonSchema {
  if (description.kind === 'stream') {
    return {
      description: 'One JSON item per line; a failure after the first item is a last line {"error": Problem}.',
      content: { [ndjsonType]: { schema: { type: 'string' } } },
    };
  }
  if (http.status === 204) return { type: 'null', description: 'Done' };
  const schema = outputJsonSchema(description.declaration.output);
  const response: JsonSchema = { description: 'Success', content: { 'application/json': { schema } } };
  if (http.paging) {
    response.headers = {
      link: { type: 'string', description: 'RFC 8288: `<…?after=<last id>&limit=<n>…>; rel="next"` on a full page' },
    };
  }
  return response;
}

/**
 * One request's OpenAPI operation as a Fastify route schema, the form `@fastify/swagger` reads: parameters from
 * the input schema (path parameters, then the query, or a JSON body for POST/PUT/PATCH), the success response
 * from the declared output, bearer security for requests declaring permissions (`security: []` for the others).
 * Problem responses are added to every operation by {@link withProblems}. Documentation only: never compiled.
 */
export function operationSchema(exposed: ExposedRequest): JsonSchema {
  const { description, http, pathParameters } = exposed;
  const { declaration } = description;
  const input = inputJsonSchema(declaration.input);
  const properties = (input.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((input.required ?? []) as string[]);
  const jsonBody = http.body !== 'ndjson' && ['POST', 'PUT', 'PATCH'].includes(http.method);
  const others = Object.keys(properties).filter(
    (name) => !pathParameters.includes(name) && !(http.body === 'ndjson' && name === 'body'),
  );
  const permissions = declaration.permissions ?? [];

  const schema: JsonSchema = {
    operationId: description.name,
    summary: declaration.description ?? description.name,
    tags: [...description.slices],
    security: permissions.length > 0 ? [{ bearerAuth: [] }] : [],
  };
  if (permissions.length > 0) {
    schema.description = `Requires a bearer token granting ${permissions.join(', ')}.`;
    schema['x-permissions'] = [...permissions];
  }
  if (pathParameters.length > 0) schema.params = objectOf(pathParameters, properties, new Set(pathParameters));
  // A JSON body when the input has fields beside the path's, or when its library cannot say which (permissive).
  const unknownFields = declaration.input !== undefined && input.properties === undefined;
  if (jsonBody && (others.length > 0 || unknownFields)) {
    const body = objectOf(others, properties, required);
    if (input.additionalProperties !== undefined) body.additionalProperties = input.additionalProperties;
    schema.body = body;
  } else if (others.length > 0) {
    schema.querystring = objectOf(others, properties, required);
  }
  if (http.body === 'ndjson') {
    schema.consumes = [ndjsonType];
    schema.body = {
      type: 'string',
      description: 'Newline-delimited JSON: one JSON value per line, streamed to the request as its `body`.',
    };
  }
  schema.response = { [String(http.status ?? 200)]: successResponse(exposed) };
  return schema;
}

const problemRef = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
});

/** The problem responses every operation may answer, by what it declares. */
function problemResponses(operation: Record<string, unknown>): Record<string, unknown> {
  const responses: Record<string, unknown> = {};
  const hasInput = operation.parameters !== undefined || operation.requestBody !== undefined;
  if (hasInput) responses['400'] = problemRef('Invalid input: one issue per field');
  responses['401'] = problemRef('Missing or invalid bearer token');
  const permissions = operation['x-permissions'] as string[] | undefined;
  if (permissions) responses['403'] = problemRef(`The caller lacks a permission: ${permissions.join(', ')}`);
  responses['504'] = problemRef('The request ran past its deadline');
  responses.default = problemRef('Any other failure (404 not found, 409 conflict, 500 internal…)');
  return responses;
}

interface JsonRequestBody {
  required?: boolean;
  content?: Record<string, { schema?: { required?: unknown[] } }>;
}

/**
 * `@fastify/swagger`'s `transformObject`: adds the problem responses to every operation of the document, and makes
 * a JSON body with no required field optional (`@fastify/swagger` marks every body required).
 */
export function withProblems({ openapiObject }: { openapiObject: Record<string, unknown> }): Record<string, unknown> {
  const paths = (openapiObject.paths ?? {}) as Record<string, Record<string, Record<string, unknown>>>;
  for (const item of Object.values(paths)) {
    for (const operation of Object.values(item)) {
      operation.responses = { ...(operation.responses as object), ...problemResponses(operation) };
      const body = operation.requestBody as JsonRequestBody | undefined;
      const json = body?.content?.['application/json']?.schema;
      if (body && json && !json.required?.length) body.required = false;
    }
  }
  return openapiObject;
}

/** The RFC 9457 problem document, as the OpenAPI document's `Problem` component. */
export const problemSchema: JsonSchema = {
  type: 'object',
  required: ['type', 'title', 'status', 'code'],
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    code: { type: 'string' },
    instance: { type: 'string' },
    requestId: { type: 'string' },
    issues: {
      type: 'array',
      items: {
        type: 'object',
        required: ['path', 'message'],
        properties: {
          path: { type: 'array', items: { type: ['string', 'integer'] } },
          message: { type: 'string' },
        },
      },
    },
  },
};
