import { defineConfig } from 'vitest/config';

/**
 * The vitest config every Slicewise package uses: tests beside the code, and legacy decorators with
 * `design:paramtypes` metadata so typedi can build handlers the same way under vitest as under tsc.
 */
export function slicewiseVitestConfig(overrides = {}) {
  return defineConfig({
    oxc: { decorator: { legacy: true, emitDecoratorMetadata: true } },
    ...overrides,
    test: {
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      typecheck: { enabled: true, include: ['src/**/*.test-d.ts'] },
      testTimeout: 20_000,
      // Hooks start servers, copy workspaces and delete them again; a loaded 2-core CI machine is slow at that.
      hookTimeout: 60_000,
      ...overrides.test,
    },
  });
}
