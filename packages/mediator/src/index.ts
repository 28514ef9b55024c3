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
export { abortedError } from './abort.js';
export {
  type Behavior,
  type BehaviorDefinition,
  defineBehavior,
  type Next,
  type NextOptions,
  type StreamNext,
} from './behavior.js';
export { authorization, validation } from './builtin-behaviors.js';
export type { ComposedSubscription } from './composition.js';
export { CompositionError, MissingHandlerError } from './composition-error.js';
export type {
  Caller,
  DispatchContext,
  DispatchFailure,
  DispatchOptions,
  ErrorHook,
  HandlerContext,
} from './context.js';
export {
  declarationOf,
  declareRequest,
  type InputOf,
  type RequestDeclaration,
  type RequestMeta,
  requestFromInput,
} from './declaration.js';
export {
  type DefinedRequestClass,
  defineCommand,
  defineQuery,
  defineStream,
  type RequestDefinition,
} from './define.js';
export {
  type Delivery,
  declareEvent,
  type EventDeclaration,
  type EventSink,
  type EventSubscriber,
  eventOf,
  type SubscriptionOptions,
  type SubscriptionRegistration,
  subscribe,
} from './event.js';
export {
  type HandlerClass,
  type HandlerOverride,
  type HandlerRegistration,
  type HandlerRoute,
  handle,
  handleStream,
  type NotificationHandler,
  on,
  type RequestHandler,
  type StreamHandler,
} from './handler.js';
export { InvalidArgumentError } from './invalid-argument.js';
export {
  createMediator,
  type DispatchEvent,
  Mediator,
  type MediatorOptions,
  type MessageDescription,
  type Publisher,
  type Sender,
} from './mediator.js';
export {
  Command,
  type ItemOf,
  kindOf,
  type Message,
  type MessageClass,
  type MessageKind,
  Notification,
  type ParsedInputOf,
  Query,
  Request,
  type RequestClass,
  type ResponseOf,
  StreamRequest,
} from './messages.js';
export {
  PublishError,
  type PublishOptions,
  type PublishStrategy,
  type PublishStrategyFunction,
} from './publish.js';
export { type DispatchRecording, recordDispatches } from './record.js';
export { type Scoped, type ScopedFactory, type Services, scoped } from './scope.js';
export { defineSlice, type Slice, type SliceMigration } from './slice.js';
export { tracerName } from './tracing.js';
