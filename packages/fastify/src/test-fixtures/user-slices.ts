/** The user slices the Slicewise API serves, composed by the tests beside the fixture slices. */
import { deactivateUser } from '@slicewise/deactivate-user';
import { getUser } from '@slicewise/get-user';
import { importUsers } from '@slicewise/import-users';
import { listUsers } from '@slicewise/list-users';
import type { Slice } from '@slicewise/mediator';
import { registerUser } from '@slicewise/register-user';
import { userStats } from '@slicewise/user-stats';

export const slices: readonly Slice[] = [listUsers, getUser, registerUser, deactivateUser, importUsers, userStats];
