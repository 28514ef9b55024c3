// Preloaded with `node --import` by the benchmark: on exit, writes the process's CPU time and peak RSS
// (`process.resourceUsage()`) as JSON to the file named by SLICEWISE_BENCH_USAGE_FILE.
import { writeFileSync } from 'node:fs';

const target = process.env.SLICEWISE_BENCH_USAGE_FILE;
if (target) {
  process.on('exit', () => {
    const { userCPUTime, systemCPUTime, maxRSS } = process.resourceUsage();
    writeFileSync(target, JSON.stringify({ cpuMs: (userCPUTime + systemCPUTime) / 1000, maxRssKb: maxRSS }));
  });
}
