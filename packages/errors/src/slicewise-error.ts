import type { ErrorCode } from './codes.js';

const brand = Symbol.for('slicewise.error');

/** Options shared by every Slicewise error. */
export interface SlicewiseErrorOptions {
  /** The lower-level failure this error explains (a SQLite error, an AbortSignal reason…). */
  cause?: unknown;
  /** Structured, client-safe details (the field issues of a validation error, the id that was not found…). */
  details?: Record<string, unknown>;
}

/**
 * The one error base: a message for people, a string `code` for programs, and the original `cause`.
 *
 * @example
 * throw new SlicewiseError('NOT_FOUND', 'User 7 does not exist', { details: { id: 7 } });
 */
export class SlicewiseError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;
  readonly [brand] = true;

  constructor(code: ErrorCode, message: string, options: SlicewiseErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.details = options.details;
  }
}

/**
 * True for any Slicewise error, even one thrown by another copy of this package in the same process
 * (where `instanceof` would say no).
 */
export function isSlicewiseError(value: unknown): value is SlicewiseError {
  return typeof value === 'object' && value !== null && (value as { [brand]?: unknown })[brand] === true;
}
