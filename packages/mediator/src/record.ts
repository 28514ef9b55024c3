import type { Mediator } from './mediator.js';
import type { Notification, Request, StreamRequest } from './messages.js';

/** What a mediator dispatched while recording, nested dispatches included, in the order they started. */
export interface DispatchRecording {
  readonly sent: Request<unknown>[];
  readonly streamed: StreamRequest<unknown>[];
  readonly published: Notification[];
  /** Forgets what was recorded so far. */
  clear(): void;
  /** Stops recording. */
  stop(): void;
}

/**
 * Records every request sent, stream requested and notification published through `mediator` from now on,
 * including those handlers make through their context: for tests that assert what a dispatch caused.
 *
 * @example
 * const recording = recordDispatches(mediator);
 * await mediator.send(new RegisterUser({ name: 'Ada', email: 'ada@example.com' }));
 * expect(recording.published).toEqual([expect.any(UserRegistered)]);
 */
export function recordDispatches(mediator: Mediator): DispatchRecording {
  const sent: Request<unknown>[] = [];
  const streamed: StreamRequest<unknown>[] = [];
  const published: Notification[] = [];
  const stop = mediator.onDispatch((event) => {
    if (event.operation === 'send') sent.push(event.message);
    else if (event.operation === 'stream') streamed.push(event.message);
    else published.push(event.message);
  });
  return {
    sent,
    streamed,
    published,
    clear() {
      sent.length = 0;
      streamed.length = 0;
      published.length = 0;
    },
    stop,
  };
}
