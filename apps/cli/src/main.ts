import 'reflect-metadata';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { resolveDatabasePath } from '@slicewise/host';
import { isSlicewiseError, ValidationError } from '@slicewise/mediator';
import { type Command, commands } from './commands.js';
import { exitCodeOf, UsageError } from './exit-codes.js';

const { version } = createRequire(import.meta.url)('../package.json') as { version: string };

const help = `slicewise ${version}: the Slicewise command line

Usage: slicewise <command> [options]

Commands:
${commands.map((command) => `  ${command.usage.padEnd(34)}${command.description}`).join('\n')}

Options:
  --db <file>    database file (default: $SLICEWISE_DB, else ./data/slicewise.db)
  --json         print JSON on stdout, nothing else
  --verbose      print the stack of a failure
  -h, --help     show this help
  -v, --version  show the version

Exit codes: 0 ok, 2 usage or validation, 3 not found, 4 conflict, 1 anything else.
`;

function parse(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        db: { type: 'string' },
        json: { type: 'boolean', default: false },
        active: { type: 'boolean' },
        count: { type: 'string' },
        verbose: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
        version: { type: 'boolean', short: 'v', default: false },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function findCommand(positionals: readonly string[]): Command {
  const command = commands.find(
    (candidate) =>
      candidate.path.length === positionals.length && candidate.path.every((part, i) => part === positionals[i]),
  );
  if (!command) {
    throw new UsageError(`Unknown command "${positionals.join(' ')}": run slicewise --help for the list`);
  }
  return command;
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv);
  if (values.version) {
    process.stdout.write(`${version}\n`);
    return 0;
  }
  if (values.help || positionals.length === 0) {
    process.stdout.write(help);
    return 0;
  }
  const { db, json, ...options } = values;
  await findCommand(positionals).run({ database: resolveDatabasePath(db), json, options });
  return 0;
}

function describe(error: unknown): string {
  if (error instanceof ValidationError && error.issues.length > 0) {
    return `${error.message}\n${error.issues.map((issue) => `  ${issue.path.join('.') || '(input)'}: ${issue.message}`).join('\n')}`;
  }
  if (error instanceof UsageError || isSlicewiseError(error)) return error.message;
  return `Unexpected failure: ${(error as Error)?.message ?? String(error)}`;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`slicewise: ${describe(error)}\n`);
    if (process.argv.includes('--verbose')) process.stderr.write(`${(error as Error)?.stack ?? ''}\n`);
    process.exitCode = exitCodeOf(error);
  },
);
