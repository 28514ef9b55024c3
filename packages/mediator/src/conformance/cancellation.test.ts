/**
 * Conformance: cancellation, ported from the cancellation tests of MediatR (jbogard/MediatR) and of
 * martinothamar/Mediator. Each case names the test whose behaviour it ports; the code is ours.
 */
import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import {
  CancelledError,
  createMediator,
  type DispatchContext,
  defineSlice,
  handle,
  Notification,
  on,
  Query,
  TimeoutError,
} from '../index.js';

const written: string[] = [];

class Ping extends Notification {}
const waitingHandler = (name: string) =>
  class {
    async handle(_notification: Ping, context: DispatchContext): Promise<void> {
      await new Promise<void>((resolve) => context.signal.addEventListener('abort', () => resolve()));
      written.push(`${name} after abort`);
    }
  };
class Wait extends Query<string> {}
class WaitHandler {
  handle(_request: Wait, context: DispatchContext): Promise<string> {
    written.push('handler started');
    return new Promise((_resolve, reject) =>
      context.signal.addEventListener('abort', () => reject(new Error('handler saw the abort'))),
    );
  }
}
const slice = defineSlice({
  name: 'waits',
  handlers: [on(Ping, waitingHandler('Pong')), on(Ping, waitingHandler('Pung')), handle(Wait, WaitHandler)],
});

describe('conformance: cancellation', () => {
  // MediatR: test/MediatR.Tests/AsyncPublishCancelTests.cs › Should_throw_cancelled
  it('rejects a publish whose signal is already aborted with CANCELLED, running no handler', async () => {
    written.length = 0;
    const mediator = createMediator({ slices: [slice] });

    await expect(mediator.publish(new Ping(), { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(CancelledError);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(written).toEqual([]);
  });

  // MediatR: test/MediatR.Tests/AsyncPublishCancelTests.cs › Should_throw_cancelled (aborted while handling)
  it.each(['sequential-all', 'parallel'] as const)(
    'with %s, rejects a publish aborted while a handler runs with CANCELLED at once',
    async (strategy) => {
      written.length = 0;
      const mediator = createMediator({ slices: [slice], publishStrategy: strategy });
      const controller = new AbortController();

      const published = mediator.publish(new Ping(), { signal: controller.signal });
      controller.abort();

      await expect(published).rejects.toBeInstanceOf(CancelledError);
    },
  );

  // Mediator: test/Mediator.Tests/StreamingTests.cs › Test_Cancellation_Parameter (here for send)
  // MediatR: test/MediatR.Tests/SendTests.cs › TimeoutBehavior_NonVoid_Should_Cancel_Long_Running_Task_And_Throw_Exception
  it('rejects a send with CANCELLED when its signal aborts mid-handler, and with TIMEOUT at its deadline', async () => {
    written.length = 0;
    const mediator = createMediator({ slices: [slice] });
    const controller = new AbortController();

    const cancelled = mediator.send(new Wait(), { signal: controller.signal });
    controller.abort();
    const late = mediator.send(new Wait(), { timeout: 10 });

    await expect(cancelled).rejects.toBeInstanceOf(CancelledError);
    await expect(late).rejects.toBeInstanceOf(TimeoutError);
    expect(written).toEqual(['handler started', 'handler started']);
  });

  // MediatR: test/MediatR.Tests/AsyncPublishCancelTests.cs › Should_throw_cancelled (for send)
  it('does not start the handler of a send whose signal is already aborted', async () => {
    written.length = 0;
    const mediator = createMediator({ slices: [slice] });

    await expect(mediator.send(new Wait(), { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(CancelledError);
    expect(written).toEqual([]);
  });
});
