import { slicewiseVitestConfig } from '@slicewise/vitest-config';

// Each test starts the built API as a child process: 13 s seen under a loaded whole-repo run on 2 cores.
export default slicewiseVitestConfig({ test: { testTimeout: 60_000 } });
