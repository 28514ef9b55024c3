import { CompositionError, type Slice } from '@slicewise/mediator';

/** A slice imported only when a command needs it: `lazySlice('@slicewise/get-user', () => import(…).then(…))`. */
export interface LazySlice {
  /** The slice's name (its `name`, usually the package name), as the manifest records it. */
  readonly name: string;
  load(): Promise<Slice>;
}

/** A slice the CLI serves: the slice itself, or a {@link LazySlice}. */
export type SliceSource = Slice | LazySlice;

/**
 * A slice imported on first use. The name must be the loaded slice's `name`: a mismatch fails with both names.
 *
 * @example
 * lazySlice('@slicewise/get-user', () => import('@slicewise/get-user').then((m) => m.getUser))
 */
export function lazySlice(name: string, load: () => Promise<Slice>): LazySlice {
  let loading: Promise<Slice> | undefined;
  return {
    name,
    load: () => {
      loading ??= load().then((slice) => {
        if (slice?.name !== name) {
          throw new CompositionError(
            `The lazy slice "${name}" loaded a slice named "${String(slice?.name)}": give lazySlice the slice's own name`,
          );
        }
        return slice;
      });
      return loading;
    },
  };
}

const isLazy = (source: SliceSource): source is LazySlice =>
  typeof (source as Partial<LazySlice>).load === 'function' && !('handlers' in source);

/**
 * Loads the named slices (every one when `names` is undefined), in the order the CLI lists them, in parallel.
 * A name the CLI does not serve fails naming it (a manifest built from other slices).
 */
export async function loadSlices(sources: readonly SliceSource[], names?: readonly string[]): Promise<Slice[]> {
  for (const name of names ?? []) {
    if (!sources.some((source) => source.name === name)) {
      throw new CompositionError(
        `The command manifest names the slice "${name}", which this CLI does not serve: rebuild the manifest`,
      );
    }
  }
  const wanted = names ? sources.filter((source) => names.includes(source.name)) : sources;
  return Promise.all(wanted.map((source) => (isLazy(source) ? source.load() : source)));
}
