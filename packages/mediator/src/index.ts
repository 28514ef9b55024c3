export {
  CancelledError,
  ConflictError,
  type ErrorCode,
  errorCodes,
  ForbiddenError,
  InternalError,
  isSlicewiseError,
  NotFoundError,
  SlicewiseError,
  TimeoutError,
  toSlicewiseError,
  UnauthorizedError,
  ValidationError,
  type ValidationIssue,
} from '@slicewise/errors';
export { CompositionError, MissingHandlerError } from './composition-error.js';
export {
  type DispatchContext,
  type HandlerClass,
  type HandlerRegistration,
  handle,
  type RequestHandler,
} from './handler.js';
export {
  createMediator,
  Mediator,
  type MediatorOptions,
  type RegisteredRequest,
  type Sender,
  type SendOptions,
} from './mediator.js';
export { Command, kindOf, Query, Request, type RequestClass, type ResponseOf } from './messages.js';
export { defineSlice, type Slice, type SliceMigration } from './slice.js';
