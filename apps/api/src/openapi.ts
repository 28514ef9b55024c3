import { type JsonSchema, standardJsonSchema } from './json-schema.js';
import type { ExposedRequest } from './routes.js';

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

const problemRef = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
});

function pathParameters(path: string): string[] {
  return [...path.matchAll(/\{([^}/]+)\}/g)].map((match) => match[1] as string);
}

function operationOf({ description, http }: ExposedRequest): Record<string, unknown> {
  const { declaration } = description;
  const schema = inputJsonSchema(declaration.input);
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((schema.required ?? []) as string[]);
  const inPath = pathParameters(http.path);
  const jsonBody = http.body !== 'ndjson' && ['POST', 'PUT', 'PATCH'].includes(http.method);
  const queryNames = jsonBody
    ? []
    : Object.keys(properties).filter((name) => !inPath.includes(name) && !(http.body === 'ndjson' && name === 'body'));

  const parameters = [
    ...inPath.map((name) => ({ name, in: 'path', required: true, schema: properties[name] ?? { type: 'string' } })),
    ...queryNames.map((name) => ({
      name,
      in: 'query',
      required: required.has(name),
      schema: properties[name] ?? {},
    })),
  ];

  const operation: Record<string, unknown> = {
    operationId: description.name,
    summary: declaration.description ?? description.name,
    tags: [...description.slices],
  };
  if (parameters.length > 0) operation.parameters = parameters;
  if (jsonBody) {
    const bodyProperties = Object.fromEntries(Object.entries(properties).filter(([name]) => !inPath.includes(name)));
    const bodyRequired = [...required].filter((name) => !inPath.includes(name));
    const { required: _all, ...bodySchema } = schema;
    if (bodyRequired.length > 0) bodySchema.required = bodyRequired;
    operation.requestBody = {
      required: bodyRequired.length > 0,
      content: { 'application/json': { schema: { ...bodySchema, properties: bodyProperties } } },
    };
  }
  if (http.body === 'ndjson') {
    operation.requestBody = {
      required: true,
      description: 'Newline-delimited JSON: one JSON value per line, streamed to the request as its `body`.',
      content: { 'application/x-ndjson': { schema: { type: 'string' } } },
    };
  }

  const status = String(http.status ?? 200);
  const success =
    description.kind === 'stream'
      ? {
          description: 'One JSON item per line; a failure after the first item is a last line {"error": Problem}.',
          content: { 'application/x-ndjson': { schema: { type: 'string' } } },
        }
      : status === '204'
        ? { description: 'Done' }
        : { description: 'Success', content: { 'application/json': { schema: outputJsonSchema(declaration.output) } } };
  const responses: Record<string, unknown> = { [status]: success };
  if (declaration.input) responses['400'] = problemRef('Invalid input: one issue per field');
  responses['401'] = problemRef('Missing or invalid bearer token');
  const permissions = declaration.permissions ?? [];
  if (permissions.length > 0) {
    responses['403'] = problemRef(`The caller lacks a permission: ${permissions.join(', ')}`);
    operation.security = [{ bearerAuth: [] }];
    operation['x-permissions'] = [...permissions];
    operation.description = `Requires a bearer token granting ${permissions.join(', ')}.`;
  }
  responses['504'] = problemRef('The request ran past its deadline');
  responses.default = problemRef('Any other failure (404 not found, 409 conflict, 500 internal…)');
  operation.responses = responses;
  return operation;
}

/** Options of {@link openApiDocument}. */
export interface OpenApiInfo {
  title?: string;
  version?: string;
}

/** The OpenAPI 3.1 document of the exposed requests, generated from their declarations. */
export function openApiDocument(requests: readonly ExposedRequest[], info: OpenApiInfo = {}): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const request of requests) {
    paths[request.http.path] = {
      ...paths[request.http.path],
      [request.http.method.toLowerCase()]: operationOf(request),
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: info.title ?? 'Slicewise API',
      version: info.version ?? '0.0.0',
      description: 'Generated from the declarations of the composed slices. Errors are RFC 9457 problem documents.',
    },
    paths,
    components: {
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } },
      schemas: {
        Problem: {
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
        },
      },
    },
  };
}
