export { type ErrorCode, errorCodes } from './codes.js';
export {
  CancelledError,
  ConflictError,
  ForbiddenError,
  InternalError,
  NotFoundError,
  TimeoutError,
  toSlicewiseError,
  UnauthorizedError,
  ValidationError,
  type ValidationIssue,
} from './errors.js';
export { isSlicewiseError, SlicewiseError, type SlicewiseErrorOptions } from './slicewise-error.js';
