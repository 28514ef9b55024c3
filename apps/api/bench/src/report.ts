/** The Markdown the benchmark prints: the route table, the import probe's table and the issues' goals. */
import type { ImportProbeResult } from './import-probe.js';
import type { Measure } from './processes.js';
import { median, ms, ratio } from './stats.js';

/** A server as the table names it. */
export interface NamedServer {
  readonly name: string;
  readonly key: string;
}

/** A route as the table names it, with the servers measured on it. */
export interface NamedRoute {
  readonly name: string;
  readonly key: string;
  readonly servers: readonly string[];
}

/** Every measurement of one server on one route, in round order. */
export type Results = (server: NamedServer, route: NamedRoute) => Measure[];

/** Median over the rounds of `of(server) ÷ of(baseline)`, each pair measured seconds apart. */
export function medianRatio(
  server: readonly Measure[],
  baseline: readonly Measure[],
  of: (measure: Measure) => number,
  invert = false,
): number {
  const ratios = server.map((measure, i) => {
    const base = baseline[i];
    if (!base) return Number.NaN;
    return invert ? of(base) / of(measure) : of(measure) / of(base);
  });
  return median(ratios);
}

/** The table of every route and server: medians over the rounds, ratios to the hand-written server. */
export function routeTable(
  routes: readonly NamedRoute[],
  servers: readonly NamedServer[],
  baseline: NamedServer,
  results: Results,
): string[] {
  const lines = [
    '| route | server | req/s | p50 ms | p99 ms | CPU µs/req | req/s vs hand-written | p99 vs hand-written | CPU/req: hand-written ÷ this |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const route of routes) {
    const base = results(baseline, route);
    for (const server of servers.filter((candidate) => route.servers.includes(candidate.key))) {
      const measures = results(server, route);
      const absolute = (pick: (measure: Measure) => number) => median(measures.map(pick));
      lines.push(
        `| ${route.name} | ${server.name} | ${Math.round(absolute((m) => m.requestsPerSecond))} | ` +
          `${ms(absolute((m) => m.p50))} | ${ms(absolute((m) => m.p99))} | ${Math.round(absolute((m) => m.cpuMicros))} | ` +
          `${ratio(medianRatio(measures, base, (m) => m.requestsPerSecond))} | ` +
          `${ratio(medianRatio(measures, base, (m) => m.p99))} | ` +
          `${ratio(medianRatio(measures, base, (m) => m.cpuMicros, true))} |`,
      );
    }
  }
  return lines;
}

const verdict = (met: boolean) => (met ? '**met**' : '**not met**');

/** The write route's goals: issue #11 (≥ 0.85× req/s) and issue #14 (≥ 0.95× req/s, p99 ≤ 1.1×). */
export function writeGoals(slicewise: readonly Measure[], handWritten: readonly Measure[]): string[] {
  const throughput = medianRatio(slicewise, handWritten, (m) => m.requestsPerSecond);
  const p99 = medianRatio(slicewise, handWritten, (m) => m.p99);
  return [
    `- POST /users, issue #11 (req/s ≥ 0.85× hand-written): ${verdict(throughput >= 0.85)} (${ratio(throughput)}).`,
    `- POST /users, issue #14 (req/s ≥ 0.95× and p99 ≤ 1.1× hand-written): req/s ${verdict(throughput >= 0.95)} ` +
      `(${ratio(throughput)}), p99 ${verdict(p99 <= 1.1)} (${ratio(p99)}).`,
  ];
}

/**
 * A read route's goals, issue #14: req/s ≥ 0.95× and p99 ≤ 1.1× hand-written, and Slicewise's overhead over the
 * hand-written server at most half of NestJS's. Overhead is time per request beyond the hand-written server's:
 * (hand-written req/s ÷ this req/s) − 1, the median of each round's.
 */
export function readGoals(
  route: string,
  slicewise: readonly Measure[],
  handWritten: readonly Measure[],
  nest: readonly Measure[],
): string[] {
  const throughput = medianRatio(slicewise, handWritten, (m) => m.requestsPerSecond);
  const p99 = medianRatio(slicewise, handWritten, (m) => m.p99);
  const overhead = medianRatio(slicewise, handWritten, (m) => m.requestsPerSecond, true) - 1;
  const lines = [
    `- ${route}, issue #14 (req/s ≥ 0.95× and p99 ≤ 1.1× hand-written): req/s ${verdict(throughput >= 0.95)} ` +
      `(${ratio(throughput)}), p99 ${verdict(p99 <= 1.1)} (${ratio(p99)}).`,
  ];
  if (nest.length > 0) {
    const nestOverhead = medianRatio(nest, handWritten, (m) => m.requestsPerSecond, true) - 1;
    const percent = (value: number) => `${(value * 100).toFixed(1)}%`;
    lines.push(
      `- ${route}, issue #14 (overhead over hand-written ≤ half of NestJS's): ${verdict(overhead <= nestOverhead / 2)} ` +
        `(Slicewise ${percent(overhead)}, NestJS ${percent(nestOverhead)}).`,
    );
  }
  return lines;
}

/** The import probe's table and issue #12's goal (probe p99 < 50 ms). */
export function importTable(result: ImportProbeResult, intervalMs: number, lag: string): string[] {
  const { probe } = result;
  const failed = result.status !== 200 || !result.done || result.imported !== result.rows;
  return [
    `| measurement | server | rows imported | import s | rows/s | probe requests | probe p50 ms | probe p99 ms | probe max ms | probe errors |`,
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    `| GET /users/:id every ${intervalMs} ms during POST /users/import (NDJSON) | Slicewise API | ` +
      `${result.imported} of ${result.rows} | ${result.seconds.toFixed(1)} | ${Math.round(result.rowsPerSecond)} | ` +
      `${probe.count} | ${ms(probe.p50)} | ${ms(probe.p99)} | ${ms(probe.max)} | ${probe.errors} |`,
    '',
    ...(failed
      ? [
          `The import did not finish cleanly: status ${result.status}, done ${result.done}, ${result.rejected} rejected` +
            `${result.error ? `, error ${result.error}` : ''}.`,
        ]
      : []),
    `user-stats after the import (from /readyz): ${lag}.`,
    `- Import probe, issue #12 (probe p99 < 50 ms): ${verdict(probe.p99 < 50 && probe.errors === 0)} (${ms(probe.p99)} ms` +
      `${probe.errors > 0 ? `, ${probe.errors} probe errors, first: ${probe.firstError}` : ''}).`,
  ];
}
