/**
 * Conformance: `send`, ported from the request/response tests of MediatR (jbogard/MediatR) and of
 * martinothamar/Mediator. Each case names the test whose behaviour it ports; the code is ours.
 */
import 'reflect-metadata';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  Command,
  createMediator,
  type DispatchContext,
  defineSlice,
  handle,
  Query,
  type Request,
  type Sender,
} from '../index.js';

class Ping extends Query<{ message: string }> {
  constructor(readonly message: string) {
    super();
  }
}
class PingHandler {
  async handle(request: Ping) {
    return { message: `${request.message} Pong` };
  }
}
const calls: string[] = [];
class VoidPing extends Command {}
class VoidPingHandler {
  async handle(): Promise<void> {
    calls.push('void ping handled');
  }
}
class GetBytes extends Query<Uint8Array> {
  constructor(readonly id: number) {
    super();
  }
}
class GetBytesHandler {
  handle(request: GetBytes): Uint8Array {
    return Uint8Array.of(request.id, request.id + 1);
  }
}
class Outer extends Query<string> {}
class OuterHandler {
  async handle(_request: Outer, context: DispatchContext): Promise<string> {
    const inner = await context.send(new Ping('Inner'));
    return `outer(${inner.message})`;
  }
}

const pings = defineSlice({
  name: 'pings',
  handlers: [
    handle(Ping, PingHandler),
    handle(VoidPing, VoidPingHandler),
    handle(GetBytes, GetBytesHandler),
    handle(Outer, OuterHandler),
  ],
});

describe('conformance: send', () => {
  // MediatR: test/MediatR.Tests/SendTests.cs › Should_resolve_main_handler
  // Mediator: test/Mediator.Tests/BasicHandlerTests.cs › Test_Query_Handler
  it('resolves the one handler of a request and returns its response', async () => {
    const mediator = createMediator({ slices: [pings] });

    const pong = await mediator.send(new Ping('Ping'));

    expect(pong).toEqual({ message: 'Ping Pong' });
    expectTypeOf(pong).toEqualTypeOf<{ message: string }>();
  });

  // MediatR: test/MediatR.Tests/SendTests.cs › Should_resolve_main_void_handler
  // Mediator: test/Mediator.Tests/BasicHandlerTests.cs › Test_CommandWithoutResponse_Handler
  it('runs the handler of a command without a response and resolves with undefined', async () => {
    calls.length = 0;
    const mediator = createMediator({ slices: [pings] });

    await expect(mediator.send(new VoidPing())).resolves.toBeUndefined();
    expect(calls).toEqual(['void ping handled']);
  });

  // MediatR: test/MediatR.Tests/SendTests.cs › Should_resolve_main_handler_via_dynamic_dispatch
  // Mediator: test/Mediator.Tests/BasicHandlerTests.cs › Test_Request_Handler (the `(object)` send)
  it('finds the handler from the run-time class when the request is typed as its base', async () => {
    const mediator = createMediator({ slices: [pings] });
    const request: Request<unknown> = new Ping('Ping');

    await expect(mediator.send(request)).resolves.toEqual({ message: 'Ping Pong' });
  });

  // MediatR: test/MediatR.Tests/SendTests.cs › Should_resolve_main_handler_by_specific_interface
  it('works through the Sender role alone', async () => {
    const sender: Sender = createMediator({ slices: [pings] });

    await expect(sender.send(new Ping('Ping'))).resolves.toEqual({ message: 'Ping Pong' });
  });

  // Mediator: test/Mediator.Tests/BasicHandlerTests.cs › Test_Request_Returning_Array
  it('passes a response that is an array through unchanged, from a synchronous handler', async () => {
    const mediator = createMediator({ slices: [pings] });

    const bytes = await mediator.send(new GetBytes(7));

    expect([...bytes]).toEqual([7, 8]);
  });

  // Mediator: test/Mediator.Tests/HandlerInjectsMediatorTests.cs › Test_Invoke_Handler_Which_Injects_IMediator
  // (here the handler reaches the mediator through its context rather than its constructor)
  it('lets a handler send another request through its context', async () => {
    const mediator = createMediator({ slices: [pings] });

    await expect(mediator.send(new Outer())).resolves.toBe('outer(Inner Pong)');
  });
});
