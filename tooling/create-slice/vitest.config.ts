import { slicewiseVitestConfig } from '@slicewise/vitest-config';

// The end-to-end test installs, builds and tests a generated slice in a copy of the workspace.
export default slicewiseVitestConfig({ test: { testTimeout: 240_000 } });
