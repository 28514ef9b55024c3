import { getActiveUsers } from '@slicewise/get-active-users';
import type { Slice } from '@slicewise/mediator';

/** The slices this API serves: the one list to change when a slice is added. */
export const slices: readonly Slice[] = [getActiveUsers];
