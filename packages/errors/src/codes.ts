/** Every error code a Slicewise handler may fail with. Transports map each one exactly once. */
export const errorCodes = [
  'VALIDATION',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'TIMEOUT',
  'CANCELLED',
  'INTERNAL',
] as const;

/** A string code naming the class of a failure, independent of any transport. */
export type ErrorCode = (typeof errorCodes)[number];
