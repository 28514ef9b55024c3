import { lazySlice } from '@slicewise/cli';

/**
 * The slices the `slicewise` CLI serves: the ONE list to edit when a slice is added. Each is imported only by the
 * commands that need it; the commands themselves come from the declarations, through dist/commands.json (written
 * at build time by build-manifest.ts).
 */
export const slices = [
  lazySlice('@slicewise/list-users', () => import('@slicewise/list-users').then((m) => m.listUsers)),
  lazySlice('@slicewise/get-user', () => import('@slicewise/get-user').then((m) => m.getUser)),
  lazySlice('@slicewise/register-user', () => import('@slicewise/register-user').then((m) => m.registerUser)),
  lazySlice('@slicewise/deactivate-user', () => import('@slicewise/deactivate-user').then((m) => m.deactivateUser)),
  lazySlice('@slicewise/import-users', () => import('@slicewise/import-users').then((m) => m.importUsers)),
  lazySlice('@slicewise/user-stats', () => import('@slicewise/user-stats').then((m) => m.userStats)),
];
