import { deactivateUser } from '@slicewise/deactivate-user';
import { getUser } from '@slicewise/get-user';
import { importUsers } from '@slicewise/import-users';
import { listUsers } from '@slicewise/list-users';
import type { Slice } from '@slicewise/mediator';
import { registerUser } from '@slicewise/register-user';
import { userStats } from '@slicewise/user-stats';

/** The slices this API serves: the one list to change when a slice is added. */
export const slices: readonly Slice[] = [listUsers, getUser, registerUser, deactivateUser, importUsers, userStats];

/** This module, for the worker thread that runs bulk imports: it composes `slices` from here (`worker.module`). */
export const slicesModule: string = import.meta.url;
