import { CompositionError } from './composition-error.js';
import type { Slice } from './slice.js';

/**
 * The slices a host composes: those it lists, each preceded by the slices it `requires` (a shared model
 * that owns tables, say), each once. A slice listed twice by the host, or two different slices of one name
 * (two copies of one package), is an error.
 */
export function resolveSlices(listed: readonly Slice[]): Slice[] {
  const byName = new Map<string, Slice>();
  const ordered: Slice[] = [];
  const visit = (slice: Slice, path: readonly string[]) => {
    const known = byName.get(slice.name);
    if (known === slice) return;
    if (known) {
      throw new CompositionError(
        `Two different slices are named ${slice.name}: the host must have one copy of its package`,
      );
    }
    if (path.includes(slice.name)) {
      throw new CompositionError(`Slices require each other in a cycle: ${[...path, slice.name].join(' → ')}`);
    }
    for (const required of slice.requires ?? []) visit(required, [...path, slice.name]);
    byName.set(slice.name, slice);
    ordered.push(slice);
  };
  const seen = new Set<Slice>();
  for (const slice of listed) {
    if (seen.has(slice)) throw new CompositionError(`Slice ${slice.name} is composed twice`);
    seen.add(slice);
    visit(slice, []);
  }
  return ordered;
}
