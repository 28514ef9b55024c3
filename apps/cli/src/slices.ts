import type { SliceRegistry } from './registry.js';

/**
 * The slices the `slicewise` CLI serves: the ONE list to edit when a slice is added. Each entry names the
 * commands its requests declare (`declaration.cli.command`) so a command imports only its own slice;
 * `run-cli.test.ts` fails when this index and the declarations disagree.
 *
 * Adding a slice: `pnpm --filter @slicewise/cli add @slicewise/<name>@workspace:^`, then one entry.
 */
export const slices: SliceRegistry = [
  {
    name: '@slicewise/list-users',
    commands: ['users list'],
    load: () => import('@slicewise/list-users').then((m) => ({ slice: m.listUsers })),
  },
  {
    name: '@slicewise/get-user',
    commands: ['users get'],
    load: () => import('@slicewise/get-user').then((m) => ({ slice: m.getUser })),
  },
  {
    name: '@slicewise/register-user',
    commands: ['users register'],
    load: () => import('@slicewise/register-user').then((m) => ({ slice: m.registerUser })),
  },
  {
    name: '@slicewise/deactivate-user',
    commands: ['users deactivate'],
    load: () => import('@slicewise/deactivate-user').then((m) => ({ slice: m.deactivateUser })),
  },
  {
    name: '@slicewise/import-users',
    commands: ['users import'],
    load: () => import('@slicewise/import-users').then((m) => ({ slice: m.importUsers })),
  },
  {
    name: '@slicewise/user-stats',
    commands: ['users stats', 'users rebuild-stats'],
    load: () => import('@slicewise/user-stats').then((m) => ({ slice: m.userStats })),
  },
];
