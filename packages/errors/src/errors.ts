import { isSlicewiseError, SlicewiseError, type SlicewiseErrorOptions } from './slicewise-error.js';

/** One problem with one field of a request's input. `path` is empty for the input as a whole. */
export interface ValidationIssue {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/** The request's input was rejected before any handler ran. */
export class ValidationError extends SlicewiseError {
  readonly issues: readonly ValidationIssue[];

  constructor(message: string, issues: readonly ValidationIssue[], options: SlicewiseErrorOptions = {}) {
    super('VALIDATION', message, { ...options, details: { ...options.details, issues } });
    this.issues = issues;
  }
}

/** The caller is not authenticated. */
export class UnauthorizedError extends SlicewiseError {
  constructor(message = 'Authentication is required', options?: SlicewiseErrorOptions) {
    super('UNAUTHORIZED', message, options);
  }
}

/** The caller is authenticated but lacks a permission. */
export class ForbiddenError extends SlicewiseError {
  constructor(message = 'The caller lacks a required permission', options?: SlicewiseErrorOptions) {
    super('FORBIDDEN', message, options);
  }
}

/** The thing the request names does not exist. */
export class NotFoundError extends SlicewiseError {
  constructor(message: string, options?: SlicewiseErrorOptions) {
    super('NOT_FOUND', message, options);
  }
}

/** The request conflicts with the current state (a unique key already taken…). */
export class ConflictError extends SlicewiseError {
  constructor(message: string, options?: SlicewiseErrorOptions) {
    super('CONFLICT', message, options);
  }
}

/** The dispatch ran past its deadline. */
export class TimeoutError extends SlicewiseError {
  constructor(message = 'The operation timed out', options?: SlicewiseErrorOptions) {
    super('TIMEOUT', message, options);
  }
}

/** The caller cancelled the dispatch through its AbortSignal. */
export class CancelledError extends SlicewiseError {
  constructor(message = 'The operation was cancelled', options?: SlicewiseErrorOptions) {
    super('CANCELLED', message, options);
  }
}

/** A failure that is nobody's input: a bug or a broken dependency. Its message is not for clients. */
export class InternalError extends SlicewiseError {
  constructor(message = 'Internal error', options?: SlicewiseErrorOptions) {
    super('INTERNAL', message, options);
  }
}

/** Wraps anything thrown into a SlicewiseError, keeping Slicewise errors as they are and the rest as `cause`. */
export function toSlicewiseError(error: unknown): SlicewiseError {
  if (isSlicewiseError(error)) return error;
  return new InternalError('Internal error', { cause: error });
}
