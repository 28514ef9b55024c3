import { slicewiseVitestConfig } from '@slicewise/vitest-config';

// The child-process test files mostly wait on the CLIs they start: run them side by side (the default is one
// worker per core minus one, so one worker on a 2-core machine).
export default slicewiseVitestConfig({ test: { maxWorkers: 3 } });
