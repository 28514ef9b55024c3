import type { ViteUserConfig } from 'vitest/config';

/** The vitest config every Slicewise package uses; `overrides.test` is merged into the test options. */
export function slicewiseVitestConfig(overrides?: ViteUserConfig): ViteUserConfig;
