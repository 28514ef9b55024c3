import { CompositionError, declarationOf, type MessageClass } from '@slicewise/mediator';

/**
 * How a request appears on the command line: `meta: { cli: { command: 'users get', args: ['id'] } }`. Every other
 * input property becomes an `--option`. Read by this adapter only; the mediator never looks at it.
 */
export interface CliMeta {
  /** The command words, space-separated (`users get`): lowercase letters, digits and dashes. */
  readonly command: string;
  /** Input properties taken as positional arguments, in order (`['id']`). */
  readonly args?: readonly string[];
}

declare module '@slicewise/mediator' {
  interface RequestMeta {
    /** The CLI adapter's settings (`@slicewise/cli`). */
    cli?: CliMeta;
  }
}

const word = /^[a-z0-9][a-z0-9-]*$/;

/**
 * The request's `meta.cli`, checked: undefined when the request is not exposed on the command line; a
 * `CompositionError` naming the request and the slice when it is malformed (so a host fails at start-up).
 */
export function cliMetaOf(message: MessageClass, slice: string): CliMeta | undefined {
  const cli: unknown = declarationOf(message).meta?.cli;
  if (cli === undefined) return undefined;
  const fail = (problem: string): never => {
    throw new CompositionError(
      `The request ${message.name} of ${slice} has an invalid meta.cli: ${problem} ` +
        "(expected { command: 'group verb', args?: ['inputField'] })",
    );
  };
  if (typeof cli !== 'object' || cli === null) return fail('it is not an object');
  const { command, args } = cli as { command?: unknown; args?: unknown };
  if (typeof command !== 'string') return fail('command is not a string');
  const words = command.split(' ');
  if (words.some((part) => !word.test(part))) {
    return fail(`command "${command}" must be words of lowercase letters, digits and dashes, one space apart`);
  }
  if (args !== undefined) {
    if (!Array.isArray(args) || args.some((arg) => typeof arg !== 'string' || arg === '')) {
      return fail('args must be a list of input field names');
    }
    if (new Set(args).size !== args.length) return fail('args names a field twice');
  }
  return cli as CliMeta;
}
