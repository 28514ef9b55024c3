/** Small statistics and formatting helpers shared by the runner and its child processes. */

/** The value at `fraction` (0..1) of ascending `sorted` values; NaN when there are none. */
export function percentile(sorted: ArrayLike<number>, fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] as number;
}

/** The median of `values` (NaN when empty). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** A ratio to two decimals: `0.96×`. */
export const ratio = (value: number) => `${value.toFixed(2)}×`;

/** A time in milliseconds to a tenth: `3.6`. */
export const ms = (value: number) => (Math.round(value * 10) / 10).toString();

/** Rounds milliseconds to hundredths, for the JSON lines child processes print. */
export const hundredths = (value: number) => Math.round(value * 100) / 100;
