import { slicewiseVitestConfig } from '@slicewise/vitest-config';

// The child-process test files mostly wait on the CLIs they start: run them side by side (the default is one
// worker per core minus one, so one worker on a 2-core machine). A test that starts several CLIs gets 60 s: under a
// whole-repo `npm test` on 2 cores each start can take seconds.
export default slicewiseVitestConfig({ test: { maxWorkers: 3, testTimeout: 60_000 } });
