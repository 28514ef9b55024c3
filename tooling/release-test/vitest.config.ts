import { slicewiseVitestConfig } from '@slicewise/vitest-config';

// Generous timeouts: on a loaded 2-core CI machine these steps run beside every other package's tests.
// One long flow: build, publish, npm install outside the workspace (compiles better-sqlite3), patch, upgrade.
export default slicewiseVitestConfig({ test: { testTimeout: 900_000, hookTimeout: 600_000 } });
