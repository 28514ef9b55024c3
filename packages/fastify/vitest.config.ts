import { slicewiseVitestConfig } from '@slicewise/vitest-config';

// `*.load.test.ts` measure latency and memory under attack. `pnpm test` runs the `api` project only; the `load`
// project is `pnpm test:load`, which the repository's `npm test` runs after every other package's tests, one file at
// a time, so that no other suite shares the CPU with them (under a whole-repo run a probe's p99 reached 125 ms).
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
