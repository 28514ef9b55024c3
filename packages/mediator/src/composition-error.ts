import { SlicewiseError } from '@slicewise/errors';

/** The composed slices do not fit together: a duplicate, a missing handler, a handler typedi cannot build. */
export class CompositionError extends SlicewiseError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('INTERNAL', message, options);
  }
}

/** `send` was given a request that no composed slice handles. */
export class MissingHandlerError extends SlicewiseError {
  constructor(requestName: string) {
    super('INTERNAL', `No handler for ${requestName}: compose a slice that handles it`, {
      details: { request: requestName },
    });
  }
}
