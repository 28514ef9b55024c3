import { resolveDatabasePath } from '@slicewise/host';

/** The API's settings, read from the environment. */
export interface ApiConfig {
  port: number;
  host: string;
  database: string;
  logLevel: string;
}

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Reads and checks the environment; throws one error listing every bad setting. */
export function readConfig(env: NodeJS.ProcessEnv = process.env): ApiConfig {
  const problems: string[] = [];
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    problems.push(`PORT must be a whole number from 0 to 65535, got ${JSON.stringify(env.PORT)}`);
  }
  const logLevel = env.LOG_LEVEL ?? 'info';
  if (!logLevels.includes(logLevel)) problems.push(`LOG_LEVEL must be one of ${logLevels.join(', ')}`);
  if (problems.length > 0) throw new Error(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  return { port, host: env.HOST || '127.0.0.1', database: resolveDatabasePath(undefined, env), logLevel };
}
