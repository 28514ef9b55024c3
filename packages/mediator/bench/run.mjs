/**
 * `pnpm bench` (after the build): runs each scenario in its own Node process (baselines and candidates
 * interleaved in that process, warmed up, median of rounds), then the 1M-sends memory check under
 * `--expose-gc`, and prints one markdown table with the machine, the Node version and the targets.
 */
import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';

const here = (file) => fileURLToPath(new URL(file, import.meta.url));
const run = (args) =>
  JSON.parse(execFileSync(process.execPath, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }));

const targets = {
  send: {
    'Slicewise `send` (query)': 1.5,
    'Slicewise `send` (command)': 1.5,
    'Slicewise `send` with `{ signal }` (raced against the abort)': 2,
    'Slicewise `send` with a tracer but no SDK or exporter behind it (non-recording spans)': 3,
  },
  behaviors: { 'Slicewise `send` through 2 behaviors': 1.3 },
  publish: { 'Slicewise `publish` (parallel)': 1.3, 'Slicewise `publish` (sequential-all, default)': 1.3 },
  scoped: { 'Slicewise `send`, per-dispatch scope, 1 scoped service (built + disposed)': 5 },
};
const titles = {
  send: '`send`, 0 behaviors, singleton handler',
  behaviors: '`send` through 2 pass-through behaviors',
  publish: '`publish` to 3 handlers',
  scoped: '`send` with a per-dispatch scope resolving 1 scoped service',
};

const format = (ns) => (ns >= 10_000 ? `${(ns / 1000).toFixed(1)} µs` : `${ns.toFixed(0)} ns`);
const cpu = cpus();
const lines = [
  `Machine: ${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} cores; Node ${process.version}; ${new Date().toISOString().slice(0, 10)}`,
  '',
  '| scenario | contestant | time per call (median) | ratio to baseline (median) | target |',
  '| --- | --- | ---: | ---: | --- |',
];
let missed = 0;
for (const scenario of Object.keys(titles)) {
  const results = run([here('./scenario.mjs'), scenario]);
  for (const [i, result] of results.entries()) {
    const target = targets[scenario][result.name];
    const verdict = target === undefined ? '' : result.ratio <= target ? `≤ ${target}× ✅` : `≤ ${target}× ❌ missed`;
    if (target !== undefined && result.ratio > target) missed++;
    const ratio = i === 0 ? '1× (baseline)' : `${result.ratio.toFixed(2)}×`;
    lines.push(
      `| ${i === 0 ? titles[scenario] : ''} | ${result.name} | ${format(result.ns)} | ${ratio} | ${verdict} |`,
    );
  }
}
for (const result of run(['--expose-gc', here('./memory.mjs')])) {
  const kb = result.growthBytes / 1024;
  const ok = result.growthBytes < 1024 * 1024;
  if (!ok) missed++;
  lines.push(
    `| heap after full GC, ${result.sends.toLocaleString('en')} sends | ${result.name} | ${kb >= 0 ? '+' : ''}${kb.toFixed(0)} KB | | < 1 MB ${ok ? '✅' : '❌ missed'} |`,
  );
}
console.log(lines.join('\n'));
if (missed > 0) console.log(`\n${missed} target(s) missed on this run.`);
