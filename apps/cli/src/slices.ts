import type { RequestDeclaration } from '@slicewise/mediator';
import type { SliceRegistry } from './registry.js';

/**
 * The slices the `slicewise` CLI serves: the ONE list to edit when a slice is added. Each entry names the
 * commands its requests declare (`declaration.cli.command`) so a command imports only its own slice;
 * `cli.test.ts` fails when this index and the declarations disagree.
 *
 * Adding a slice: `pnpm --filter @slicewise/cli add @slicewise/get-user@workspace:^`, then one entry:
 *   { name: '@slicewise/get-user', commands: ['users get'],
 *     load: () => import('@slicewise/get-user').then((m) => ({ slice: m.getUser })) },
 */
export const slices: SliceRegistry = [
  {
    name: '@slicewise/get-active-users',
    commands: ['users list'],
    load: () =>
      import('@slicewise/get-active-users').then((m) => ({
        slice: m.getActiveUsers,
        // Stop-gap: GetActiveUsers declares no `cli` exposure yet. Delete this once the slice declares
        // `cli: { command: 'users list' }` (with `--active`/`--limit`) itself.
        exposures: new Map([[m.GetActiveUsers, usersListExposure]]),
      })),
  },
];

/** `users list --active` for the GetActiveUsers of today, which takes no input. */
const usersListExposure: RequestDeclaration = {
  description: 'List the active users',
  cli: { command: 'users list' },
  input: {
    '~standard': {
      version: 1,
      vendor: 'slicewise-cli',
      validate: (value) => {
        const active = (value as { active?: unknown } | undefined)?.active;
        return active === true
          ? { value: { active } }
          : { issues: [{ message: 'is required: only active users can be listed yet', path: ['active'] }] };
      },
      jsonSchema: {
        input: () => ({
          type: 'object',
          properties: { active: { type: 'boolean', description: 'only the active users (required for now)' } },
          required: ['active'],
        }),
        output: () => ({}),
      },
    },
  } as RequestDeclaration['input'],
};
