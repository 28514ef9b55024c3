/**
 * Conformance: `stream`, ported from the stream tests of MediatR (jbogard/MediatR) and of martinothamar/Mediator.
 * Each case names the test whose behaviour it ports; the code is ours.
 */
import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import {
  CancelledError,
  createMediator,
  type DispatchContext,
  defineBehavior,
  defineSlice,
  handleStream,
  InvalidArgumentError,
  MissingHandlerError,
  type Sender,
  StreamRequest,
} from '../index.js';

class Sing extends StreamRequest<{ message: string }> {
  constructor(readonly message: string) {
    super();
  }
}
class SingHandler {
  async *handle(request: Sing, context: DispatchContext) {
    for (const word of ['Song', 'Sang', 'Seng']) {
      await Promise.resolve();
      if (context.signal.aborted) return;
      yield { message: `${request.message} ${word}` };
    }
  }
}
const songs = defineSlice({ name: 'songs', handlers: [handleStream(Sing, SingHandler)] });

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

describe('conformance: stream', () => {
  // MediatR: test/MediatR.Tests/CreateStreamTests.cs › Should_resolve_main_handler
  // Mediator: test/Mediator.Tests/StreamingTests.cs › Test_IMediator
  it("yields the one handler's items, in order", async () => {
    const mediator = createMediator({ slices: [songs] });

    const items = await collect(mediator.stream(new Sing('Sing')));

    expect(items.map((item) => item.message)).toEqual(['Sing Song', 'Sing Sang', 'Sing Seng']);
  });

  // MediatR: test/MediatR.Tests/CreateStreamTests.cs › Should_resolve_main_handler_by_specific_interface
  // Mediator: test/Mediator.Tests/StreamingTests.cs › Test_ISender
  it('works through the Sender role alone', async () => {
    const sender: Sender = createMediator({ slices: [songs] });

    await expect(collect(sender.stream(new Sing('Sing')))).resolves.toHaveLength(3);
  });

  // MediatR: test/MediatR.Tests/Pipeline/Streams/StreamPipelineBehaviorTests.cs › Should_run_pipeline_behavior
  it('runs stream behaviors around the handler, which may add items of their own', async () => {
    const behaving = defineBehavior({
      name: 'behaving',
      async *stream(_request, _context, next) {
        yield { message: 'Start behaving...' };
        yield* next();
        yield { message: '...Ready behaving' };
      },
    });
    const mediator = createMediator({ slices: [songs], behaviors: [behaving] });

    const items = await collect(mediator.stream(new Sing('Sing')));

    expect(items.map((item) => (item as { message: string }).message)).toEqual([
      'Start behaving...',
      'Sing Song',
      'Sing Sang',
      'Sing Seng',
      '...Ready behaving',
    ]);
  });

  // Mediator: test/Mediator.Tests/StreamingTests.cs › Test_Cancellation_Parameter
  it('stops after the item during which the caller aborted, rejecting the iteration with CANCELLED', async () => {
    const mediator = createMediator({ slices: [songs] });
    const controller = new AbortController();
    const received: string[] = [];

    const iterating = (async () => {
      for await (const item of mediator.stream(new Sing('Sing'), { signal: controller.signal })) {
        received.push(item.message);
        controller.abort();
      }
    })();

    await expect(iterating).rejects.toBeInstanceOf(CancelledError);
    expect(received).toEqual(['Sing Song']);
  });

  // Mediator: test/Mediator.Tests/StreamingTests.cs › Test_StreamQuery_Handler_Null_Input
  // Mediator: test/Mediator.Tests/StreamingTests.cs › Test_StreamRequest_Handler_NonNull_NonRequest
  it('refuses null or a plain object at the call, before anything runs', () => {
    const mediator = createMediator({ slices: [songs] });

    expect(() => mediator.stream(null as never)).toThrow(InvalidArgumentError);
    expect(() => mediator.stream({ id: 1 } as never)).toThrow(/stream\(\) needs a stream request/);
  });

  // Mediator: test/Mediator.Tests/StreamingTests.cs › Test_StreamQuery_NonNull_NoHandler
  it('refuses a stream request no slice handles, naming it', () => {
    class Hum extends StreamRequest<string> {}
    const mediator = createMediator({ slices: [songs] });

    expect(() => mediator.stream(new Hum())).toThrow(MissingHandlerError);
    expect(() => mediator.stream(new Hum())).toThrow(/No handler for Hum/);
  });
});
