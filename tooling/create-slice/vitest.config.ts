import { slicewiseVitestConfig } from '@slicewise/vitest-config';

// Generous timeouts: on a loaded 2-core CI machine these steps run beside every other package's tests.
// The end-to-end test installs, builds and tests a generated slice in a copy of the workspace.
export default slicewiseVitestConfig({ test: { testTimeout: 600_000 } });
