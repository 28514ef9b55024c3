/**
 * Conformance: failures and misuse, ported from the exception tests of MediatR (jbogard/MediatR) and of
 * martinothamar/Mediator. Each case names the test whose behaviour it ports; the code is ours.
 */
import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import {
  Command,
  createMediator,
  defineSlice,
  handle,
  InvalidArgumentError,
  MissingHandlerError,
  Notification,
  on,
  Query,
  SlicewiseError,
} from '../index.js';

class Ping extends Query<string> {}
class VoidPing extends Command {}
class Pinged extends Notification {}
class PingException extends Command {}
class NotImplementedError extends Error {}
class PingExceptionHandler {
  async handle(): Promise<void> {
    throw new NotImplementedError('not implemented');
  }
}
class PingedHandler {
  handle(): void {}
}
const empty = createMediator({ slices: [] });
const withHandlers = createMediator({
  slices: [
    defineSlice({ name: 'ex', handlers: [handle(PingException, PingExceptionHandler), on(Pinged, PingedHandler)] }),
  ],
});

describe('conformance: exceptions', () => {
  // MediatR: test/MediatR.Tests/ExceptionTests.cs › Should_throw_for_send
  // MediatR: test/MediatR.Tests/ExceptionTests.cs › Should_throw_for_async_send
  it('rejects a request without a handler with an error naming it', async () => {
    await expect(empty.send(new Ping())).rejects.toBeInstanceOf(MissingHandlerError);
    await expect(empty.send(new Ping())).rejects.toThrow('No handler for Ping');
  });

  // MediatR: test/MediatR.Tests/ExceptionTests.cs › Should_throw_for_void_send
  // MediatR: test/MediatR.Tests/ExceptionTests.cs › Should_throw_for_async_void_send
  it('rejects a command without a response and without a handler the same way', async () => {
    await expect(empty.send(new VoidPing())).rejects.toThrow('No handler for VoidPing');
  });

  // MediatR: test/MediatR.Tests/ExceptionTests.cs › Should_not_throw_for_publish
  it('resolves a publish nobody handles', async () => {
    await expect(empty.publish(new Pinged())).resolves.toBeUndefined();
  });

  // MediatR: test/MediatR.Tests/ExceptionTests.cs › Should_throw_argument_exception_for_send_when_request_is_null
  // MediatR: test/MediatR.Tests/ExceptionTests.cs › Should_throw_argument_exception_for_void_send_when_request_is_null
  // MediatR: test/MediatR.Tests/SendTests.cs › Should_raise_execption_on_null_request
  // Mediator: test/Mediator.Tests/BasicHandlerTests.cs › Test_Request_Handler_Null_Input
  it('rejects send(null) and send(undefined) with an argument error, never a synchronous TypeError', async () => {
    for (const request of [null, undefined]) {
      const sent = withHandlers.send(request as never);

      expect(sent).toBeInstanceOf(Promise);
      const error = await sent.catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect(error).toBeInstanceOf(SlicewiseError);
      expect((error as SlicewiseError).code).toBe('INTERNAL');
      expect((error as Error).message).toBe(
        `send() needs a request (an instance of a Query, Command or Request class), got ${request}`,
      );
    }
  });

  // MediatR: test/MediatR.Tests/ExceptionTests.cs › Should_throw_argument_exception_for_publish_when_request_is_null
  // MediatR: test/MediatR.Tests/ExceptionTests.cs › Should_throw_argument_exception_for_publish_when_request_is_null_object
  // Mediator: test/Mediator.Tests/BasicHandlerTests.cs › Test_Notification_Handler_Null_Input
  it('rejects publish(null) with an argument error', async () => {
    const published = withHandlers.publish(null as never);

    expect(published).toBeInstanceOf(Promise);
    await expect(published).rejects.toThrow(
      'publish() needs a notification (an instance of a Notification class), got null',
    );
  });

  // MediatR: test/MediatR.Tests/ExceptionTests.cs › Should_throw_argument_exception_for_publish_when_request_is_not_notification
  // Mediator: test/Mediator.Tests/StreamingTests.cs › Test_StreamRequest_Handler_NonNull_NonRequest (InvalidMessageException)
  it('rejects what is not a notification: a string, a plain object, a request', async () => {
    await expect(withHandlers.publish('Ping' as never)).rejects.toThrow(/needs a notification .*, got string "Ping"/);
    await expect(withHandlers.publish({} as never)).rejects.toThrow(/got a plain object/);
    await expect(withHandlers.publish(new Ping() as never)).rejects.toThrow(
      'Ping is a query: send() it, not publish()',
    );
    await expect(withHandlers.send({} as never)).rejects.toThrow(/send\(\) needs a request .*, got a plain object/);
    await expect(withHandlers.send(new Pinged() as never)).rejects.toThrow(
      'Pinged is a notification: publish() it, not send()',
    );
  });

  // MediatR: test/MediatR.Tests/ExceptionTests.cs › Should_throw_exception_for_generic_send_when_exception_occurs
  // MediatR: test/MediatR.Tests/ExceptionTests.cs › Should_throw_exception_for_non_generic_send_when_exception_occurs
  it("passes the handler's own error through unchanged", async () => {
    const error = await withHandlers.send(new PingException()).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(NotImplementedError);
    expect((error as Error).message).toBe('not implemented');
  });
});
