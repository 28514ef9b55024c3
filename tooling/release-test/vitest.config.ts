import { slicewiseVitestConfig } from '@slicewise/vitest-config';

// One long flow: build, publish, npm install outside the workspace (compiles better-sqlite3), patch, upgrade.
export default slicewiseVitestConfig({ test: { testTimeout: 600_000, hookTimeout: 120_000 } });
