/** A JSON Schema, as a plain object. */
export type JsonSchema = Record<string, unknown>;

/** The dialects the API asks for: OpenAPI 3.1 speaks 2020-12; fast-json-stringify speaks draft-07. */
export type JsonSchemaTarget = 'draft-2020-12' | 'draft-07';

/** Options of a Standard JSON Schema conversion. */
interface ConversionOptions {
  target: JsonSchemaTarget;
  libraryOptions?: Record<string, unknown>;
}

/** What `schema['~standard'].jsonSchema` offers when a Standard Schema library implements Standard JSON Schema. */
interface StandardJsonSchema {
  input?(options: ConversionOptions): JsonSchema;
  output?(options: ConversionOptions): JsonSchema;
}

/**
 * The JSON Schema of a Standard Schema's input or output in the given dialect, without its `$schema`, when its
 * library can say it (zod 4 can; parts it cannot represent, such as custom checks, become `{}`); otherwise, or when
 * the conversion throws, undefined.
 */
export function standardJsonSchema(
  schema: unknown,
  side: 'input' | 'output',
  target: JsonSchemaTarget,
): JsonSchema | undefined {
  const standard = (schema as { '~standard'?: { jsonSchema?: StandardJsonSchema } } | undefined)?.['~standard'];
  try {
    const converted = standard?.jsonSchema?.[side]?.({ target, libraryOptions: { unrepresentable: 'any' } });
    if (converted && typeof converted === 'object') {
      const { $schema: _dialect, ...rest } = converted;
      return rest;
    }
  } catch {
    // A schema the library cannot express: the caller falls back.
  }
  return undefined;
}
