import { slicewiseVitestConfig } from '@slicewise/vitest-config';

// Real processes killed and restarted on a loaded 2-core machine: generous, bounded timeouts; files one at a time.
export default slicewiseVitestConfig({ test: { testTimeout: 900_000, hookTimeout: 60_000, fileParallelism: false } });
