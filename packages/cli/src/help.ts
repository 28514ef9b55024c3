import type { CliCommand } from './command-list.js';
import { exitCodeHelp } from './exit-codes.js';
import type { Field } from './fields.js';
import type { Colors } from './output.js';

const globalHelp: readonly (readonly [string, string])[] = [
  ['--db <file>', 'database file (default: $SLICEWISE_DB, else ./data/slicewise.db)'],
  ['--json', 'print JSON on stdout and nothing else'],
  ['--rejects <file>', 'imports: write rejected lines to <file> as NDJSON (default: stderr, as they come)'],
  ['--verbose', 'print the stack of a failure'],
  ['-h, --help', 'show help for the command'],
];

function placeholder(field: Field): string {
  if (field.choices) return field.choices.join('|');
  return field.type === 'array' ? 'value…' : field.type === 'integer' || field.type === 'number' ? 'N' : field.key;
}

/** `--limit <N>` / `[--active]`: how one option appears in a usage line. */
function usageOf(field: Field): string {
  const text = field.type === 'boolean' ? `--${field.flag}` : `--${field.flag} <${placeholder(field)}>`;
  return field.required ? text : `[${text}]`;
}

/** `users get <id> [--json]`: a command's usage line. */
export function usageLine(command: CliCommand): string {
  const args = command.fields.args.map((field) => (field.required ? `<${field.flag}>` : `[${field.flag}]`));
  const options = command.fields.typed ? command.fields.options.map(usageOf) : ['[--<field> <value>…]'];
  return [...command.words, ...args, ...options].join(' ');
}

function details(field: Field): string {
  const parts = [field.description ?? ''];
  const facts: string[] = [field.type];
  if (field.required) facts.push('required');
  if (field.default !== undefined) facts.push(`default: ${JSON.stringify(field.default)}`);
  if (field.choices) facts.push(`one of: ${field.choices.join(', ')}`);
  parts.push(`(${facts.join(', ')})`);
  return parts.filter(Boolean).join(' ');
}

function section(title: string, rows: readonly (readonly [string, string])[], colors: Colors): string {
  if (rows.length === 0) return '';
  const width = Math.max(...rows.map(([left]) => left.length)) + 2;
  return `\n${colors.bold(title)}\n${rows.map(([left, right]) => `  ${left.padEnd(width)}${right}`.trimEnd()).join('\n')}\n`;
}

const exitSection = (colors: Colors) =>
  section(
    'Exit codes:',
    exitCodeHelp.map(([code, meaning]) => [String(code), meaning]),
    colors,
  );

/** `slicewise --help`, or the help of a group of commands (`slicewise users --help`). */
export function listHelp(
  commands: readonly CliCommand[],
  words: readonly string[],
  version: string,
  colors: Colors,
  cli = 'slicewise',
): string {
  const shown = commands.filter((command) => words.every((word, i) => command.words[i] === word));
  const title =
    words.length === 0
      ? `${cli} ${version}: the command line of the slices it composes, generated from their declarations`
      : `${cli} ${words.join(' ')}: ${shown.length} command(s)`;
  const rows = shown.map((command) => [usageLine(command), command.description] as const);
  const usage = `Usage: ${cli} ${words.length ? words.join(' ') : '<command>'} ${words.length ? '<command> ' : ''}[arguments] [options]`;
  return (
    `${colors.bold(title)}\n\n${usage}\n` +
    section('Commands:', rows, colors) +
    section(
      'Options (every command):',
      words.length === 0 ? [...globalHelp, ['-v, --version', 'show the version']] : globalHelp,
      colors,
    ) +
    (words.length === 0 ? exitSection(colors) : '') +
    `\nRun ${cli} <command> --help for a command's arguments and options.\n`
  );
}

/** `slicewise users get --help`: description, usage, arguments and options from the declaration. */
export function commandHelp(command: CliCommand, colors: Colors, cli = 'slicewise'): string {
  const name = command.words.join(' ');
  const args = command.fields.args.map((field) => [`<${field.flag}>`, details(field)] as const);
  const options = command.fields.typed
    ? command.fields.options.map((field) => [usageOf(field).replace(/^\[|\]$/g, ''), details(field)] as const)
    : [['--<field> <value>', 'any input field (the input schema publishes no JSON Schema)'] as const];
  const kind = command.kind === 'host' ? 'host command' : `${command.kind} of ${command.source}`;
  return (
    `${colors.bold(`${cli} ${name}`)}: ${command.description}\n\nUsage: ${cli} ${usageLine(command)} [options]\n` +
    section('Arguments:', args, colors) +
    section('Options:', options, colors) +
    section('Options (every command):', globalHelp, colors) +
    exitSection(colors) +
    `\n${colors.dim(`(${kind})`)}\n`
  );
}
