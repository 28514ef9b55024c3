import { userDtoSchema } from '@slicewise/users';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type ResponseSerializer, responseSerializer } from './serialization.js';

/** The compiled serializer of a schema, asserted compiled. */
function compiled(output: unknown): ResponseSerializer {
  const serializer = responseSerializer(output);
  if (serializer?.serialize === undefined) throw new Error(`not compiled: ${JSON.stringify(serializer)}`);
  return serializer;
}

/** A Standard Schema of a library that implements Standard JSON Schema with the given `output` conversion. */
const withJsonSchema = (output: (options: { target: string }) => Record<string, unknown>) => ({
  '~standard': { version: 1, vendor: 'test', validate: (value: unknown) => ({ value }), jsonSchema: { output } },
});

describe('responseSerializer', () => {
  it('compiles a zod output from its draft-07 JSON Schema, without $schema', () => {
    const serializer = compiled(userDtoSchema);

    expect(serializer.schema).toEqual({
      type: 'object',
      properties: {
        id: { type: 'integer', exclusiveMinimum: 0, maximum: Number.MAX_SAFE_INTEGER },
        name: { type: 'string' },
        email: { type: 'string' },
        active: { type: 'boolean' },
      },
      required: ['id', 'name', 'email', 'active'],
      additionalProperties: false,
    });
  });

  it('writes exactly what JSON.stringify writes for any result that keeps to the schema', () => {
    const serialize = compiled(z.array(userDtoSchema)).serialize;
    const user = fc.record({
      id: fc.integer({ min: 1 }),
      name: fc.string({ unit: 'binary' }),
      email: fc.oneof(fc.string(), fc.constantFrom('"quoted"@x.io', '</script>', '\u2028\u2029', '\uD800', '\\')),
      active: fc.boolean(),
    });

    fc.assert(
      fc.property(fc.array(user, { maxLength: 5 }), (users) => {
        expect(serialize(users)).toBe(JSON.stringify(users));
      }),
      { numRuns: 500 },
    );
  });

  it('drops properties the schema does not list and writes the others in the schema order', () => {
    const { serialize } = compiled(userDtoSchema);

    expect(serialize({ active: true, email: 'a@x.io', name: 'A', id: 1, password: 'secret' })).toBe(
      '{"id":1,"name":"A","email":"a@x.io","active":true}',
    );
  });

  it('throws on a missing required property or a value it cannot coerce, and coerces the rest', () => {
    const { serialize } = compiled(userDtoSchema);

    expect(() => serialize({ id: 1, name: 'A', active: true })).toThrow('"email" is required!');
    expect(() => serialize({ id: 'one', name: 'A', email: 'a@x.io', active: true })).toThrow(/integer/);
    expect(() => serialize('not an object')).toThrow('"id" is required!');
    expect(serialize({ id: '7', name: null, email: 42, active: 1 })).toBe(
      '{"id":7,"name":"","email":"42","active":true}',
    );
  });

  it('is undefined without an output, and falls back with a reason when there is no usable JSON Schema', () => {
    const noJsonSchema = { '~standard': { version: 1, vendor: 'test', validate: (value: unknown) => ({ value }) } };
    const throwing = withJsonSchema(() => {
      throw new Error('cannot represent this');
    });
    const dangling = withJsonSchema(() => ({ type: 'object', properties: { id: { $ref: '#/definitions/gone' } } }));
    const invalid = withJsonSchema(() => ({ type: 'no-such-type' }));

    expect(responseSerializer(undefined)).toBeUndefined();
    expect(responseSerializer(noJsonSchema)).toEqual({ reason: 'its library cannot say its JSON Schema' });
    expect(responseSerializer(throwing)).toEqual({ reason: 'its library cannot say its JSON Schema' });
    expect(responseSerializer(dangling)).toEqual({
      reason: expect.stringMatching(/cannot compile.*#\/definitions\/gone/),
    });
    expect(responseSerializer(invalid)).toEqual({ reason: expect.stringMatching(/cannot compile.*schema is invalid/) });
  });

  it('asks the library for draft-07', () => {
    const targets: string[] = [];
    compiled(
      withJsonSchema(({ target }) => {
        targets.push(target);
        return { type: 'object', properties: {} };
      }),
    );

    expect(targets).toEqual(['draft-07']);
  });
});
