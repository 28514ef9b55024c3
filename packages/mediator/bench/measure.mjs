/**
 * A small interleaving harness: every contestant of a scenario runs in the same process, in rotating order,
 * round after round; each round times `ops` awaited calls. The result per contestant is the median time per
 * call, and its median ratio to the baseline measured in the same rounds.
 */

const now = () => process.hrtime.bigint();

async function time(run, ops) {
  const started = now();
  for (let i = 0; i < ops; i++) await run();
  return Number(now() - started) / ops;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * @param {{ name: string, run: () => unknown, ops?: number }[]} contestants the first is the baseline
 * @param {{ rounds?: number, ops?: number, warmup?: number }} options
 */
export async function measure(contestants, { rounds = 15, ops = 100_000, warmup = 50_000 } = {}) {
  for (const contestant of contestants) await time(contestant.run, contestant.ops ?? warmup);
  const times = contestants.map(() => []);
  const ratios = contestants.map(() => []);
  for (let round = 0; round < rounds; round++) {
    const ns = new Array(contestants.length);
    for (let k = 0; k < contestants.length; k++) {
      const index = (k + round) % contestants.length;
      const contestant = contestants[index];
      const count = contestant.ops ?? ops;
      ns[index] = await time(contestant.run, count);
    }
    for (let i = 0; i < contestants.length; i++) {
      times[i].push(ns[i]);
      ratios[i].push(ns[i] / ns[0]);
    }
  }
  return contestants.map((contestant, i) => ({
    name: contestant.name,
    ns: median(times[i]),
    ratio: median(ratios[i]),
  }));
}
