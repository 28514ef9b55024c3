import { slicewiseVitestConfig } from '@slicewise/vitest-config';

export default slicewiseVitestConfig();
