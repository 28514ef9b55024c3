import { getActiveUsers } from '@slicewise/get-active-users';

/** The slices this host composes: a different subset from apps/api. Adding a slice is one line here. */
export const slices = [getActiveUsers];
