import { slicewiseVitestConfig } from '@slicewise/vitest-config';

// `*.load.test.ts` measure latency and memory under attack: they run after the rest, one file at a time, so that
// the suite's other files do not share the CPU with them.
export default slicewiseVitestConfig({
  test: {
    include: [], // each project says its own (a project's include is added to this one)
    projects: [
      {
        extends: true,
        test: {
          name: 'api',
          include: ['src/**/*.test.ts'],
          exclude: ['src/**/*.load.test.ts'],
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'load',
          include: ['src/**/*.load.test.ts'],
          typecheck: { enabled: false },
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
