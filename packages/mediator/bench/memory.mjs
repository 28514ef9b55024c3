/** `node --expose-gc bench/memory.mjs`: heap growth after a full GC across 1,000,000 sends. Prints JSON. */
import { GetValue, slicewise } from './contestants.mjs';

if (typeof globalThis.gc !== 'function') {
  console.error('Run with node --expose-gc');
  process.exit(2);
}

async function settledHeap() {
  for (let i = 0; i < 3; i++) {
    globalThis.gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
  return process.memoryUsage().heapUsed;
}

async function growth(name, mediator, sends) {
  const request = new GetValue(21);
  const options = { caller: { id: 'bench', permissions: [] } };
  for (let i = 0; i < 10_000; i++) await mediator.send(request, options);
  const before = await settledHeap();
  for (let i = 0; i < sends; i++) await mediator.send(request, options);
  const after = await settledHeap();
  return { name, sends, growthBytes: after - before };
}

const sends = Number(process.env.BENCH_SENDS ?? 1_000_000);
const results = [
  await growth('`send`, singleton handler', slicewise(), sends),
  await growth(
    '`send`, per-dispatch scope with 1 disposable scoped service',
    slicewise({ scopedHandler: true }),
    sends,
  ),
];
process.stdout.write(`${JSON.stringify(results)}\n`);
