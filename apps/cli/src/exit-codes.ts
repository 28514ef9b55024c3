import { type ErrorCode, isSlicewiseError } from '@slicewise/mediator';

/** The process exit code of each error code: the one place the CLI maps them. */
export const exitCodes: Record<ErrorCode, number> = {
  VALIDATION: 2,
  UNAUTHORIZED: 1,
  FORBIDDEN: 1,
  NOT_FOUND: 3,
  CONFLICT: 4,
  TIMEOUT: 1,
  CANCELLED: 130,
  INTERNAL: 1,
};

/** The command line itself is wrong: unknown command or option, missing value. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** The exit code for a failure. */
export function exitCodeOf(error: unknown): number {
  if (error instanceof UsageError) return 2;
  return isSlicewiseError(error) ? exitCodes[error.code] : 1;
}
