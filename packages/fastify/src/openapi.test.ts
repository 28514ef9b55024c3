import { compileErrors, validate } from '@readme/openapi-parser';
import type { OpenAPIV3_1 } from 'openapi-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operationSchema } from './openapi.js';
import { startTestServer, type TestServer } from './test-fixtures/harness.js';

let server: TestServer;
let document: OpenAPIV3_1.Document;

beforeAll(async () => {
  server = await startTestServer();
  document = (await (await fetch(`${server.base}/openapi.json`)).json()) as OpenAPIV3_1.Document;
});
afterAll(async () => {
  await server.close();
});

/** One operation of a document, asserted present. */
function operation(doc: OpenAPIV3_1.Document, path: string, method: string): OpenAPIV3_1.OperationObject {
  const found = (doc.paths as Record<string, Record<string, OpenAPIV3_1.OperationObject>>)[path]?.[method];
  if (!found) throw new Error(`${method} ${path} is not in the document`);
  return found;
}

/** The JSON body schema of an operation's success response. */
function successSchema(op: OpenAPIV3_1.OperationObject, status = '200'): unknown {
  const response = op.responses?.[status] as OpenAPIV3_1.ResponseObject | undefined;
  return response?.content?.['application/json']?.schema;
}

describe('GET /openapi.json', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const result = await validate(structuredClone(document) as never);

    expect(result.valid ? '' : compileErrors(result)).toBe('');
    expect(document.openapi).toBe('3.1.0');
  });

  it('lists every exposed request, once, under its declared method and path', () => {
    const exposed = server.host.mediator
      .describe()
      .filter((message) => message.declaration.meta?.http)
      .map(
        (message) =>
          `${message.declaration.meta?.http?.method} ${message.declaration.meta?.http?.path} ${message.name}`,
      );
    const listed = Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
      Object.entries(item as Record<string, OpenAPIV3_1.OperationObject>).map(
        ([method, operation]) => `${method.toUpperCase()} ${path} ${operation.operationId}`,
      ),
    );

    expect(listed.sort()).toEqual(exposed.sort());
    expect(listed.length).toBe(18); // 10 fixture operations, the 7 of the user slices and GET /active-users
  });

  it('describes path and query parameters from the input schema', () => {
    const get = document.paths?.['/accounts/{id}']?.get;

    expect(get?.summary).toBe('One account by id');
    expect(get?.parameters).toEqual([
      { name: 'id', in: 'path', required: true, schema: expect.objectContaining({ type: 'integer' }) },
    ]);
    expect(
      (operation(document, '/accounts', 'get').parameters as OpenAPIV3_1.ParameterObject[]).map((p) => [
        p.name,
        p.in,
        p.required,
      ]),
    ).toEqual([
      ['limit', 'query', false],
      ['after', 'query', false],
      ['minAge', 'query', false],
    ]);
  });

  it('describes JSON and NDJSON bodies, success statuses, problems and bearer security', () => {
    const create = document.paths?.['/accounts']?.post as OpenAPIV3_1.OperationObject;
    const body = create.requestBody as OpenAPIV3_1.RequestBodyObject;
    const importing = operation(document, '/accounts/import', 'post') as OpenAPIV3_1.OperationObject & {
      responses: Record<string, OpenAPIV3_1.ResponseObject>;
    };
    const remove = document.paths?.['/accounts/{id}']?.delete as OpenAPIV3_1.OperationObject;

    expect(body.content['application/json']?.schema).toMatchObject({
      type: 'object',
      required: ['handle', 'email'],
      properties: { handle: { type: 'string' }, email: { type: 'string', format: 'email' }, age: { type: 'integer' } },
    });
    expect(Object.keys(create.responses ?? {})).toEqual(['201', '400', '401', '403', '504', 'default']);
    expect(create.security).toEqual([{ bearerAuth: [] }]);
    expect(Object.keys((importing.requestBody as OpenAPIV3_1.RequestBodyObject).content)).toEqual([
      'application/x-ndjson',
    ]);
    expect(Object.keys((importing.responses['200'] as OpenAPIV3_1.ResponseObject).content ?? {})).toEqual([
      'application/x-ndjson',
    ]);
    expect((importing.parameters as OpenAPIV3_1.ParameterObject[]).map((p) => p.name)).toEqual(['dryRun']);
    expect(remove.responses?.['204']).toEqual({ description: 'Done' });
    expect(document.paths?.['/accounts/{id}']?.get?.security).toEqual([]); // public: no token needed
    expect(document.components?.securitySchemes).toEqual({ bearerAuth: { type: 'http', scheme: 'bearer' } });
  });

  it('documents a success response with the JSON Schema of the declared output', () => {
    const success = (path: string, method: string, status = '200') =>
      successSchema(operation(document, path, method), status);
    const user = {
      type: 'object',
      properties: {
        id: { type: 'integer', exclusiveMinimum: 0, maximum: Number.MAX_SAFE_INTEGER },
        name: { type: 'string' },
        email: { type: 'string' },
        active: { type: 'boolean' },
      },
      required: ['id', 'name', 'email', 'active'],
      additionalProperties: false,
    };

    expect(success('/users/{id}', 'get')).toEqual(user);
    expect(success('/users', 'get')).toEqual({ type: 'array', items: user });
    expect(success('/users', 'post', '201')).toEqual(user);
    expect(success('/user-stats', 'get')).toMatchObject({
      type: 'object',
      required: ['total', 'active', 'registeredPerDay'],
      properties: { registeredPerDay: { type: 'array', items: { properties: { day: { format: 'date' } } } } },
    });
    expect(success('/accounts/{id}', 'get')).toMatchObject({
      properties: { age: { anyOf: [{ type: 'integer' }, { type: 'null' }] } },
    });
    expect(success('/fixtures/wait', 'get')).toEqual({}); // no output declared: any JSON
  });

  it('falls back to permissive schemas when the library cannot say its JSON Schema', () => {
    const schema = {
      '~standard': { version: 1 as const, vendor: 'custom', validate: (value: unknown) => ({ value }) },
    };
    const ping = operationSchema({
      description: {
        message: class Ping {},
        name: 'Ping',
        kind: 'query',
        slices: ['s'],
        handlers: ['h'],
        pipeline: [],
        declaration: { input: schema, output: schema },
      },
      http: { method: 'POST', path: '/ping' },
      pathParameters: [],
    }) as { body: unknown; response: Record<string, { content: Record<string, { schema: unknown }> }> };

    expect(ping.body).toEqual({ type: 'object', properties: {} });
    expect(ping.response['200']?.content['application/json']?.schema).toEqual({});
  });
});

describe('GET /docs', () => {
  it('serves Swagger UI from this server only: no asset from another origin', async () => {
    const response = await fetch(`${server.base}/docs/`);
    const html = await response.text();

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
    expect(html).toContain('swagger-ui');
    expect(html).not.toMatch(/(src|href)=["']?(https?:)?\/\//);
    const initializer = await (await fetch(`${server.base}/docs/static/swagger-initializer.js`)).text();
    expect(initializer).toContain('validatorUrl: null');
  });
});
