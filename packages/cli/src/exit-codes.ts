import { type ErrorCode, isSlicewiseError } from '@slicewise/mediator';

/**
 * The process exit code of each mediator error code: the one place the CLI maps them. A new error code does
 * not compile until it is mapped here. Documented in `slicewise --help` and the README.
 */
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

/** Exit codes as the help text and the README list them. */
export const exitCodeHelp: readonly (readonly [number, string])[] = [
  [0, 'ok'],
  [1, 'anything else (internal error, timeout, permission)'],
  [2, 'usage or validation: a wrong command, option or value'],
  [3, 'not found'],
  [4, 'conflict with the current data (already exists…)'],
  [130, 'cancelled with Ctrl-C (SIGINT); committed batches are kept'],
  [143, 'cancelled with SIGTERM, the same way'],
];

/** The command line itself is wrong: unknown command or option, missing argument. */
export class UsageError extends Error {
  override name = 'UsageError';

  /** `hint` is the command whose help fixes the mistake, e.g. `users get`. */
  constructor(
    message: string,
    readonly hint = '',
  ) {
    super(message);
  }
}

/** The exit code for a failure. */
export function exitCodeOf(error: unknown): number {
  if (error instanceof UsageError) return 2;
  return isSlicewiseError(error) ? exitCodes[error.code] : 1;
}
