import { writeFileSync } from 'node:fs';
import { CompositionError, kindOf, type MessageClass, type Slice } from '@slicewise/mediator';
import { type Fields, fieldsOf, jsonSchemaOf } from './fields.js';
import { cliMetaOf } from './meta.js';
import { loadSlices, type SliceSource } from './registry.js';

/** One command a request exposes, with everything `--help` and the parser need, without importing its slice. */
export interface CommandEntry {
  /** The command words, space-separated (`users list`). */
  readonly command: string;
  readonly description: string;
  /** The request's class name (`ListUsers`). */
  readonly request: string;
  /** `query` opens the database read-only when it cannot write; anything else writes. */
  readonly kind: string;
  /** The slice handling it. */
  readonly slice: string;
  /** The slices to compose to run it: its own, and those answering the requests it `sends` (transitively). */
  readonly load: readonly string[];
  readonly fields: Fields;
}

/** The commands of a CLI, read from the declarations once (at build time) so a command loads only its slices. */
export interface CommandManifest {
  readonly manifestVersion: 1;
  /** Every slice the CLI serves, by name, in order. */
  readonly slices: readonly string[];
  readonly commands: readonly CommandEntry[];
}

/** Every slice with the slices it requires (required first), once each. */
export function withRequired(slices: readonly Slice[]): Slice[] {
  const seen = new Map<string, Slice>();
  const add = (slice: Slice) => {
    for (const required of slice.requires ?? []) add(required);
    if (!seen.has(slice.name)) seen.set(slice.name, slice);
  };
  for (const slice of slices) add(slice);
  return [...seen.values()];
}

/** The slices (of `slices`) a slice needs loaded beside it: those handling what it `sends`, transitively. */
function loadSet(slice: Slice, slices: readonly Slice[], handlerOf: Map<MessageClass, Slice>): string[] {
  const names = new Set<string>([slice.name]);
  const visit = (current: Slice) => {
    for (const sent of current.sends ?? []) {
      const other = handlerOf.get(sent);
      if (other && slices.includes(other) && !names.has(other.name)) {
        names.add(other.name);
        visit(other);
      }
    }
  };
  visit(slice);
  return [...names];
}

/**
 * Reads the commands of the slices' requests (`meta.cli`), checking each request's `meta.cli` and that no two
 * requests claim the same command. A build step writes it as JSON (see {@link runCli}'s `manifest`).
 *
 * @example
 * writeFileSync('dist/commands.json', JSON.stringify(commandManifest([listUsers, getUser])));
 */
export function commandManifest(slices: readonly Slice[]): CommandManifest {
  const handlerOf = new Map<MessageClass, Slice>();
  for (const slice of withRequired(slices)) {
    for (const registration of slice.handlers ?? []) handlerOf.set(registration.message, slice);
  }
  const commands: CommandEntry[] = [];
  const seen = new Map<string, string>();
  for (const slice of slices) {
    for (const registration of slice.handlers ?? []) {
      if (registration.kind === 'notification') continue;
      const message = registration.message;
      const cli = cliMetaOf(message, slice.name);
      if (!cli) continue;
      const command = cli.command;
      const other = seen.get(command);
      if (other) {
        throw new CompositionError(
          `Two requests declare the command "${command}": ${other} and ${message.name} of ${slice.name}; ` +
            "change one request's meta.cli.command",
        );
      }
      seen.set(command, `${message.name} of ${slice.name}`);
      const { declaration } = message as unknown as { declaration?: { input?: never; description?: string } };
      const fields = fieldsOf(declaration?.input, cli.args);
      const properties = jsonSchemaOf(declaration?.input)?.properties;
      const unknown = properties && cli.args?.find((arg) => !(arg in properties));
      if (unknown) {
        throw new CompositionError(
          `The request ${message.name} of ${slice.name} has an invalid meta.cli: args names "${unknown}", ` +
            'which is not a field of its input',
        );
      }
      commands.push({
        command,
        description: declaration?.description ?? message.name,
        request: message.name,
        kind: registration.kind === 'stream' ? 'stream' : kindOf(message),
        slice: slice.name,
        load: loadSet(slice, slices, handlerOf),
        fields,
      });
    }
  }
  commands.sort((a, b) => a.command.localeCompare(b.command));
  return { manifestVersion: 1, slices: slices.map((slice) => slice.name), commands };
}

/**
 * Imports every slice and writes their command manifest as JSON: a host's build step, so that at run time a
 * command imports only its own slices and `--help` none.
 *
 * @example
 * await writeCommandManifest(slices, new URL('../dist/commands.json', import.meta.url));
 */
export async function writeCommandManifest(
  sources: readonly SliceSource[],
  file: URL | string,
): Promise<CommandManifest> {
  const manifest = commandManifest(await loadSlices(sources));
  writeFileSync(file, `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}
