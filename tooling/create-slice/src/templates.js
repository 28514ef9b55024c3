// The files of a new slice, modelled on features/get-active-users. Each template returns the file's text.

/** @typedef {ReturnType<typeof import('./names.js').sliceNames>} SliceNames */

const json = (value) => `${JSON.stringify(value, null, 2)}\n`;

/** @param {SliceNames} n */
export function packageJson(n) {
  return json({
    name: n.packageName,
    version: '0.0.0',
    description: `Slicewise slice: ${n.name.replaceAll('-', ' ')}`,
    license: 'MIT',
    type: 'module',
    engines: { node: '>=20.11' },
    sideEffects: false,
    main: './dist/index.js',
    types: './dist/index.d.ts',
    exports: { '.': { types: './dist/index.d.ts', default: './dist/index.js' } },
    files: ['dist', 'src', 'README.md', 'LICENSE', '!src/**/*.test.ts', '!src/**/*.test-d.ts'],
    publishConfig: { access: 'public' },
    scripts: {
      build: 'tsc -p tsconfig.build.json',
      typecheck: 'tsc -p tsconfig.json --noEmit',
      test: 'vitest run',
    },
    dependencies: {
      zod: '4.6.7',
    },
    peerDependencies: {
      '@slicewise/mediator': 'workspace:>=0.1.0 <1.0.0',
      '@slicewise/db': 'workspace:>=0.1.0 <1.0.0',
      typedi: '^0.10.0',
    },
    devDependencies: {
      '@slicewise/tsconfig': 'workspace:*',
      '@slicewise/vitest-config': 'workspace:*',
      '@types/node': 'catalog:',
      typescript: 'catalog:',
      vitest: 'catalog:',
      '@slicewise/mediator': 'workspace:^',
      '@slicewise/db': 'workspace:^',
      '@slicewise/host': 'workspace:^',
      typedi: 'catalog:',
      'reflect-metadata': 'catalog:',
    },
  });
}

export function tsconfigJson() {
  return json({
    extends: '@slicewise/tsconfig/base.json',
    compilerOptions: { noEmit: true },
    include: ['src', '*.config.ts'],
  });
}

export function tsconfigBuildJson() {
  return json({
    extends: '@slicewise/tsconfig/base.json',
    compilerOptions: { rootDir: 'src', outDir: 'dist', noEmit: false },
    include: ['src'],
    exclude: ['src/**/*.test.ts', 'src/**/*.test-d.ts'],
  });
}

export function vitestConfig() {
  return `import { slicewiseVitestConfig } from '@slicewise/vitest-config';

export default slicewiseVitestConfig();
`;
}

/** @param {SliceNames} n */
export function useCase(n) {
  return `import { Database } from '@slicewise/db';
import { defineQuery, type HandlerContext, type RequestHandler } from '@slicewise/mediator';
import { Service } from 'typedi';
import { z } from 'zod';

/** A row of the \`${n.table}\` table this slice owns (see migrations.ts), as the query answers it. */
const rowSchema = z.object({ id: z.number().int(), name: z.string(), created_at: z.string() });
export type ${n.request}Row = z.output<typeof rowSchema>;

/**
 * The first \`limit\` rows of \`${n.table}\`, by id. Replace with what ${n.request} really answers. \`input\` is validated
 * before the handler runs (strings from HTTP or the CLI coerce); \`output\` types the response and documents it.
 */
export class ${n.request} extends defineQuery({
  input: z.object({
    limit: z.coerce
      .number({ error: 'must be a number' })
      .int({ error: 'must be a whole number' })
      .min(1, { error: 'must be at least 1' })
      .max(500, { error: 'must be at most 500' })
      .default(100)
      .describe('how many rows, at most'),
  }),
  output: z.array(rowSchema),
  description: 'List the first rows of ${n.table}, by id',
  meta: {
    http: { method: 'GET', path: '/${n.name}' },
    cli: { command: '${n.name.replaceAll('-', ' ')}' },
  },
}) {}

/** Reads \`${n.table}\`. Dependencies come by constructor, built by typedi; the validated input is \`context.input\`. */
@Service()
export class ${n.request}Handler implements RequestHandler<${n.request}> {
  constructor(private readonly db: Database) {}

  handle(_request: ${n.request}, { input }: HandlerContext<${n.request}>): ${n.request}Row[] {
    return this.db.table<${n.request}Row>('${n.table}').rowsWhere(undefined, [], { orderBy: 'id', limit: input.limit });
  }
}
`;
}

/** @param {SliceNames} n */
export function migrations(n) {
  return `import type { Migration } from '@slicewise/db';

/** The \`${n.table}\` table this slice owns. Recorded under the slice's name; safe to run on every start. */
export const migrations: readonly Migration[] = [
  {
    name: '001-create-${n.table.replaceAll('_', '-')}',
    up: \`
      CREATE TABLE IF NOT EXISTS ${n.table} (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
      );
    \`,
  },
];
`;
}

/** @param {SliceNames} n */
export function index(n) {
  return `import { createRequire } from 'node:module';
import { defineSlice, handle } from '@slicewise/mediator';
import { ${n.request}, ${n.request}Handler } from './${n.name}.js';
import { migrations } from './migrations.js';

const { name, version } = createRequire(import.meta.url)('../package.json') as { name: string; version: string };

/** The ${n.name} slice: compose it in a host with \`slices: [${n.manifest}]\`. */
export const ${n.manifest} = defineSlice({
  name,
  version,
  handlers: [handle(${n.request}, ${n.request}Handler)],
  migrations,
});

export { ${n.request}, type ${n.request}Row } from './${n.name}.js';
`;
}

/** @param {SliceNames} n */
export function test(n) {
  return `import 'reflect-metadata';
import { createHost } from '@slicewise/host';
import { ValidationError } from '@slicewise/mediator';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { ${n.request}, type ${n.request}Row, ${n.manifest} } from './index.js';

describe('${n.request}', () => {
  it('returns the rows of ${n.table} by id', async () => {
    const host = createHost({ slices: [${n.manifest}] });
    host.db.table('${n.table}').insertAll([{ name: 'first' }, { name: 'second' }, { name: 'third' }]);

    const rows = await host.mediator.send(new ${n.request}({ limit: 2 }));

    expectTypeOf(rows).toEqualTypeOf<${n.request}Row[]>();
    expect(rows.map((row) => row.name)).toEqual(['first', 'second']);
    host.close();
  });

  it('rejects a limit below 1 with a VALIDATION issue on limit', async () => {
    const host = createHost({ slices: [${n.manifest}] });

    const error = await host.mediator.send(new ${n.request}({ limit: 0 })).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues).toEqual([{ path: ['limit'], message: 'must be at least 1' }]);
    host.close();
  });

  it('declares its HTTP route and CLI command', () => {
    expect(${n.request}.declaration.meta).toEqual({
      http: { method: 'GET', path: '/${n.name}' },
      cli: { command: '${n.name.replaceAll('-', ' ')}' },
    });
  });
});
`;
}

/** @param {SliceNames} n */
export function readme(n) {
  return `# ${n.packageName}

A [Slicewise](../../README.md) slice: the \`${n.request}\` query, answered from the \`${n.table}\` table.

\`\`\`ts
import 'reflect-metadata';
import { createHost } from '@slicewise/host';
import { ${n.request}, ${n.manifest} } from '${n.packageName}';

const host = createHost({ slices: [${n.manifest}], database: './data/app.db' });
const rows = await host.mediator.send(new ${n.request}({ limit: 10 })); // ${n.request}Row[]
\`\`\`

## What it exports

| export | what it is |
| --- | --- |
| \`${n.manifest}\` | the slice manifest a host composes |
| \`${n.request}\` | the query (\`GET /${n.name}?limit=N\`, \`slicewise ${n.name.replaceAll('-', ' ')} --limit N\`); its response is \`${n.request}Row[]\`, ordered by \`id\` |
| \`${n.request}Row\` | \`{ id: number; name: string; created_at: string }\` |

## Tables and migrations

The slice creates the \`${n.table}\` table, recorded in the migration set \`${n.packageName}\`.

## Errors

| code | when |
| --- | --- |
| \`VALIDATION\` | \`limit\` is not a positive integer |
| \`INTERNAL\` | the database failed (the SQLite error is the \`cause\`) |

## Peer dependencies

\`@slicewise/mediator\`, \`@slicewise/db\` and \`typedi\`: the host provides one copy of each.
`;
}

/** @param {SliceNames} n */
export function changeset(n) {
  return `---
'${n.packageName}': minor
---

New slice ${n.packageName}: the \`${n.request}\` query.
`;
}
