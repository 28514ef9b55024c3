import {
  CancelledError,
  ConflictError,
  type ErrorCode,
  ForbiddenError,
  InternalError,
  isSlicewiseError,
  NotFoundError,
  SlicewiseError,
  TimeoutError,
  UnauthorizedError,
  ValidationError,
  type ValidationIssue,
} from '@slicewise/mediator';

/**
 * An error as it crosses between a host and its worker thread: a Slicewise error by its code (rebuilt as the same
 * class on the other side), any other error by name, message, `code` and stack, or (`yours`) the very error the
 * other side sent in: a body's failure or an abort reason, which the other side then throws as it was.
 */
export type WireError =
  | {
      readonly kind: 'slicewise';
      readonly code: ErrorCode;
      readonly message: string;
      readonly details: Record<string, unknown> | undefined;
    }
  | {
      readonly kind: 'error';
      readonly name: string;
      readonly message: string;
      readonly code: unknown;
      readonly stack?: string;
    }
  | { readonly kind: 'yours'; readonly which: 'body' | 'abort' };

/** Errors that came from the other side, and which of its errors each one is. */
const fromOtherSide = new WeakMap<object, 'body' | 'abort'>();

export function toWire(error: unknown): WireError {
  if (typeof error === 'object' && error !== null) {
    const which = fromOtherSide.get(error);
    if (which !== undefined) return { kind: 'yours', which };
  }
  if (isSlicewiseError(error)) {
    return { kind: 'slicewise', code: error.code, message: error.message, details: cloneable(error.details) };
  }
  const { name = 'Error', message = String(error), code, stack } = (error ?? {}) as Partial<Error> & { code?: unknown };
  return {
    kind: 'error',
    name: String(name),
    message: String(message),
    code: typeof code === 'string' || typeof code === 'number' ? code : undefined,
    ...(typeof stack === 'string' && { stack }),
  };
}

/**
 * The error a wire form stands for. `yours` gives back `own` (the error this side sent); an error sent in by the
 * other side is remembered as `which`, so that sending it back says `yours`.
 */
export function fromWire(wire: WireError, own?: { body?: unknown; abort?: unknown }, which?: 'body' | 'abort'): Error {
  if (wire.kind === 'yours') {
    const original = own?.[wire.which];
    return original instanceof Error
      ? original
      : new InternalError(`The worker failed with this side's ${wire.which} error`);
  }
  const error = wire.kind === 'slicewise' ? slicewiseError(wire.code, wire.message, wire.details) : plainError(wire);
  if (which !== undefined) fromOtherSide.set(error, which);
  return error;
}

function plainError(wire: Extract<WireError, { kind: 'error' }>): Error {
  const error = new Error(wire.message);
  error.name = wire.name;
  if (wire.code !== undefined) Object.assign(error, { code: wire.code });
  if (wire.stack !== undefined) error.stack = `${wire.stack}\n    (in the host's worker thread)`;
  return error;
}

/** The Slicewise error class of each code whose constructor takes `(message, options)`. */
const classes: Partial<
  Record<ErrorCode, new (message: string, options?: { details?: Record<string, unknown> }) => SlicewiseError>
> = {
  UNAUTHORIZED: UnauthorizedError,
  FORBIDDEN: ForbiddenError,
  NOT_FOUND: NotFoundError,
  CONFLICT: ConflictError,
  TIMEOUT: TimeoutError,
  CANCELLED: CancelledError,
  INTERNAL: InternalError,
};

function slicewiseError(code: ErrorCode, message: string, details: Record<string, unknown> | undefined): Error {
  if (code === 'VALIDATION') {
    const { issues = [], ...rest } = details ?? {};
    return new ValidationError(message, issues as ValidationIssue[], { details: rest });
  }
  const options = details === undefined ? {} : { details };
  const ErrorClass = classes[code];
  return ErrorClass ? new ErrorClass(message, options) : new SlicewiseError(code, message, options);
}

/** Details as they survive structured cloning; details that do not are dropped rather than failing the answer. */
function cloneable(details: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (details === undefined) return undefined;
  try {
    return structuredClone(details);
  } catch {
    return undefined;
  }
}
