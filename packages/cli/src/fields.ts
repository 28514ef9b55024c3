import { parseArgs } from 'node:util';
import type { RequestDeclaration } from '@slicewise/mediator';
import { UsageError } from './exit-codes.js';

/** The value type of an argument or option, from the input's JSON Schema. */
export type FieldType = 'string' | 'number' | 'integer' | 'boolean' | 'array';

/** One input field as a positional argument or an `--option`. */
export interface Field {
  /** The input's property name (`dryRun`). */
  readonly key: string;
  /** The option flag (`dry-run`); the positional's name in `<angle brackets>`. */
  readonly flag: string;
  readonly type: FieldType;
  readonly required: boolean;
  readonly description?: string;
  readonly default?: unknown;
  readonly choices?: readonly unknown[];
}

/** The positional arguments and options of a command, and whether they are known (else any `--key value`). */
export interface Fields {
  readonly args: readonly Field[];
  readonly options: readonly Field[];
  /** False when the input schema offers no JSON Schema: options are then taken generically. */
  readonly typed: boolean;
}

interface JsonSchemaProperty {
  type?: string | string[];
  description?: string;
  default?: unknown;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchemaProperty[];
  oneOf?: JsonSchemaProperty[];
}

interface JsonObjectSchema {
  properties?: Record<string, JsonSchemaProperty>;
  required?: string[];
}

type Schema = NonNullable<RequestDeclaration['input']>;

type WithJsonSchema = Schema & {
  '~standard': { jsonSchema?: { input(options: { target: string }): Record<string, unknown> } };
};

/** The input's JSON Schema, when its Standard Schema offers one (`~standard.jsonSchema`, as zod 4 does). */
export function jsonSchemaOf(schema: Schema | undefined): JsonObjectSchema | undefined {
  const converter = (schema as WithJsonSchema | undefined)?.['~standard'].jsonSchema;
  if (!converter) return undefined;
  try {
    return converter.input({ target: 'draft-2020-12' }) as JsonObjectSchema;
  } catch {
    return undefined;
  }
}

const kebab = (key: string) => key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);

function typeOf(property: JsonSchemaProperty): FieldType {
  const candidates = [property, ...(property.anyOf ?? []), ...(property.oneOf ?? [])];
  for (const candidate of candidates) {
    const types = Array.isArray(candidate.type) ? candidate.type : candidate.type ? [candidate.type] : [];
    const type = types.find((t) => t !== 'null');
    if (type === 'boolean' || type === 'number' || type === 'integer' || type === 'array' || type === 'string') {
      return type;
    }
  }
  return 'string';
}

function fieldOf(key: string, property: JsonSchemaProperty, required: boolean): Field {
  const choices = property.enum ?? property.anyOf?.find((option) => option.enum)?.enum;
  return {
    key,
    flag: kebab(key),
    type: typeOf(property),
    required,
    ...(property.description !== undefined && { description: property.description }),
    ...(property.default !== undefined && { default: property.default }),
    ...(choices && { choices }),
  };
}

/** The fields of a request: `cli.args` in order as positionals, every other input property as an option. */
export function fieldsOf(schema: Schema | undefined, args: readonly string[] = []): Fields {
  const json = jsonSchemaOf(schema);
  const properties = json?.properties ?? {};
  const required = new Set(json?.required ?? []);
  const field = (key: string) => fieldOf(key, properties[key] ?? {}, required.has(key));
  return {
    args: args.map(field),
    options: Object.keys(properties)
      .filter((key) => !args.includes(key))
      .map(field),
    typed: schema === undefined || json !== undefined,
  };
}

/** The options every command takes. */
export const globalOptions = {
  db: { type: 'string' },
  json: { type: 'boolean' },
  rejects: { type: 'string' },
  verbose: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

/** What the global options say. */
export interface GlobalValues {
  db?: string;
  json?: boolean;
  rejects?: string;
  verbose?: boolean;
  help?: boolean;
  version?: boolean;
}

/** A first, lenient pass: the global options and the positionals, before the command is known. */
export function parseGlobal(argv: readonly string[]): { values: GlobalValues; positionals: string[] } {
  const { values, tokens } = parseArgs({
    args: [...argv],
    options: globalOptions,
    allowPositionals: true,
    strict: false,
    tokens: true,
  });
  // An unknown `--count 5` leaves `5` as a positional: the words are the positionals before the first option
  // that is not a global one (globals such as `--db file` may come first: they take their value themselves).
  const positionals: string[] = [];
  for (const token of tokens ?? []) {
    if (token.kind === 'option' && !(token.name in globalOptions)) break;
    if (token.kind === 'positional') positionals.push(token.value);
  }
  return { values: values as GlobalValues, positionals };
}

function convert(field: Field | undefined, value: string | boolean | (string | boolean)[]): unknown {
  if (Array.isArray(value)) return value.map((item) => convert(field, item));
  if (typeof value !== 'string' || !field) return value;
  // Only canonical decimals become numbers (`7`, `-2`; `1.5` for a number); `01`, `1e0`, `0x2`, ` 1 ` stay text for the
  // schema to judge, so a strict schema (user ids) refuses them instead of seeing the number they would parse to.
  const canonical = field.type === 'integer' ? /^-?(0|[1-9]\d*)$/ : /^-?(0|[1-9]\d*)(\.\d+)?$/;
  if ((field.type === 'number' || field.type === 'integer') && canonical.test(value)) return Number(value);
  return value;
}

/** A command line parsed against a command's fields: the raw input for the request, and the globals. */
export interface ParsedCommandLine {
  readonly input: Record<string, unknown>;
  readonly globals: GlobalValues;
}

/**
 * Parses the command line of one command (`words` already matched): positionals into `fields.args`, options
 * into the others, numbers converted when the schema says so; the schema's validation does the rest.
 */
export function parseCommandLine(
  argv: readonly string[],
  words: readonly string[],
  fields: Fields,
  hint: string,
): ParsedCommandLine {
  const options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }> = {
    ...globalOptions,
  };
  for (const field of fields.options) {
    options[field.flag] = { type: field.type === 'boolean' ? 'boolean' : 'string', multiple: field.type === 'array' };
  }
  // A boolean flag may say its value: `--active false`, `--active=true` (Node 20's parseArgs has no `--no-x`).
  const booleans = new Set(fields.options.filter((field) => field.type === 'boolean').map((field) => field.flag));
  const explicit = new Map<string, boolean>();
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      args.push(...argv.slice(i));
      break;
    }
    const [, flag, value] = /^--([^=]+)(?:=(.*))?$/.exec(arg) ?? [];
    const next = value ?? argv[i + 1];
    if (flag && booleans.has(flag) && (next === 'true' || next === 'false')) {
      explicit.set(flag, next === 'true');
      if (value === undefined) i++;
      continue;
    }
    args.push(arg);
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: fields.typed, tokens: true });
  } catch (error) {
    const message = (error as Error).message;
    const dash = /use '(--[^=]+)=-XYZ'/.exec(message)?.[1];
    const first = message.replace(/\. To specify a positional.*$/s, '').split('\n')[0] as string;
    throw new UsageError(
      dash ? `${first.replace(/\.$/, '')}: write ${dash}=<value> for a value starting with -` : first,
      hint,
    );
  }
  const input: Record<string, unknown> = {};
  const globals: Record<string, unknown> = {};
  const byFlag = new Map(fields.options.map((field) => [field.flag, field]));
  const positionals: string[] = [];
  const tokens = parsed.tokens ?? [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (!token) continue;
    if (token.kind === 'positional') positionals.push(token.value);
    if (token.kind !== 'option') continue;
    if (token.name in globalOptions) {
      globals[token.name] = token.value ?? true;
      continue;
    }
    const field = byFlag.get(token.name);
    if (field) continue; // taken from parsed.values below, with `multiple` handled by parseArgs
    // No JSON Schema: `--key value`, `--key=value` or a bare `--flag`.
    const next = tokens[i + 1];
    let value: unknown = token.value ?? true;
    if (token.value === undefined && next?.kind === 'positional' && next.index === token.index + 1) {
      value = next.value;
      i++;
    }
    input[token.name.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase())] = value;
  }
  for (const field of fields.options) {
    const value = explicit.get(field.flag) ?? parsed.values[field.flag];
    if (value !== undefined) input[field.key] = convert(field, value);
  }
  const rest = positionals.slice(words.length);
  if (rest.length > fields.args.length) {
    throw new UsageError(`Unexpected argument '${rest[fields.args.length]}'`, hint);
  }
  fields.args.forEach((field, i) => {
    const value = rest[i];
    if (value !== undefined) input[field.key] = convert(field, value);
    else if (field.required) throw new UsageError(`Missing argument <${field.flag}>`, hint);
  });
  return { input, globals: globals as GlobalValues };
}
