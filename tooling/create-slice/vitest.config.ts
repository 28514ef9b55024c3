import { slicewiseVitestConfig } from '@slicewise/vitest-config';

// Generous timeouts: on a loaded 2-core CI machine these steps run beside every other package's tests.
// The end-to-end test installs, builds and tests a generated slice in a copy of the workspace; deleting that
// copy (its node_modules included) took over 10 s on one CI machine.
export default slicewiseVitestConfig({ test: { testTimeout: 600_000, hookTimeout: 300_000 } });
