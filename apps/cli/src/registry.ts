import type { Slice } from '@slicewise/mediator';

/** What loading a slice entry gives the CLI. */
export interface LoadedSlice {
  readonly slice: Slice;
}

/** A slice the CLI can compose, imported only when a command needs it. */
export interface SliceEntry {
  /** The slice's package name, for messages. */
  readonly name: string;
  /**
   * The command words of every request the slice exposes (`'users list'`), so that `slicewise users list`
   * imports this slice alone. `--help`, `slices` and the `db` commands import every entry.
   */
  readonly commands: readonly string[];
  /**
   * Other entries (by name) to load with this one: the slices answering the requests this slice `sends`. Slices it
   * `requires` are composed by the mediator already; durable subscribers to its events need not be loaded (the
   * events wait in the log for the next process that composes them).
   */
  readonly with?: readonly string[];
  /** Imports the slice's package: `() => import('@slicewise/get-user').then(...)`. */
  load(): Promise<LoadedSlice>;
}

/** The slices a CLI serves. */
export type SliceRegistry = readonly SliceEntry[];

/** The slices loaded for one run, and whether they are all of the registry's. */
export interface LoadedSlices {
  readonly slices: readonly Slice[];
  readonly complete: boolean;
}

const wordsOf = (command: string) => command.split(' ').filter(Boolean);
const startsWith = (words: readonly string[], prefix: readonly string[]) =>
  prefix.length <= words.length && prefix.every((word, i) => words[i] === word);

/**
 * The entries a command line needs: the slice exposing the command the words start with (`exact`), else
 * every slice exposing a command under the words (`users` → every users slice), else all of them.
 */
export function entriesFor(
  registry: SliceRegistry,
  words: readonly string[],
): { entries: SliceEntry[]; exact: boolean } {
  const exact = registry.filter((entry) => entry.commands.some((command) => startsWith(words, wordsOf(command))));
  if (words.length > 0 && exact.length > 0) return { entries: exact, exact: true };
  const group = registry.filter((entry) => entry.commands.some((command) => startsWith(wordsOf(command), words)));
  return { entries: words.length > 0 && group.length > 0 ? group : [...registry], exact: false };
}

/** Imports the given entries and the entries they need `with` them (in registry order, in parallel). */
export async function loadEntries(registry: SliceRegistry, wanted: readonly SliceEntry[]): Promise<LoadedSlices> {
  const names = new Set<string>();
  const add = (entry: SliceEntry) => {
    if (names.has(entry.name)) return;
    names.add(entry.name);
    for (const name of entry.with ?? []) {
      const other = registry.find((candidate) => candidate.name === name);
      if (!other) throw new Error(`Slice entry ${entry.name} needs ${name}, which is not in the CLI's slices.ts`);
      add(other);
    }
  };
  for (const entry of wanted) add(entry);
  const entries = registry.filter((entry) => names.has(entry.name));
  const loaded = await Promise.all(entries.map((entry) => entry.load()));
  return { slices: loaded.map(({ slice }) => slice), complete: entries.length === registry.length };
}
