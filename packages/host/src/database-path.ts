import { resolve } from 'node:path';

/** Where a host keeps its database when nothing else is said. */
export const defaultDatabasePath = 'data/slicewise.db';

/**
 * The database file a host opens: the explicit choice (a `--db` flag), else `SLICEWISE_DB`, else
 * `./data/slicewise.db`. Relative paths are taken from the folder the user ran the command in (`INIT_CWD`,
 * which pnpm and npm set for scripts), else the process's working folder. `:memory:` is kept as it is.
 */
export function resolveDatabasePath(explicit: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const chosen = explicit || env.SLICEWISE_DB || defaultDatabasePath;
  if (chosen === ':memory:') return chosen;
  return resolve(env.INIT_CWD || process.cwd(), chosen);
}
