import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import {
  ConflictError,
  createMediator,
  type DispatchContext,
  type DispatchFailure,
  defineSlice,
  handle,
  handleStream,
  InternalError,
  NotFoundError,
  Notification,
  on,
  PublishError,
  Query,
  StreamRequest,
} from './index.js';

class FindNote extends Query<string> {}
class FindNoteHandler {
  handle(): string {
    throw new Error('no such table: notes');
  }
}
class Lookup extends Query<string> {}
class LookupHandler {
  handle(_request: Lookup, context: DispatchContext): Promise<string> {
    return context.send(new FindNote());
  }
}
class NoteSaved extends Notification {}
class FailingListener {
  async handle(): Promise<void> {
    throw new ConflictError('taken');
  }
}
class Lines extends StreamRequest<string> {}
class LinesHandler {
  async *handle(): AsyncIterable<string> {
    yield 'first';
    throw new Error('disk gone');
  }
}

const slice = defineSlice({
  name: 'notes',
  handlers: [
    handle(FindNote, FindNoteHandler),
    handle(Lookup, LookupHandler),
    on(NoteSaved, FailingListener),
    handleStream(Lines, LinesHandler),
  ],
});

describe('onError', () => {
  it('observes a failure and lets it through when it returns nothing', async () => {
    const seen: [unknown, DispatchFailure['operation'], string][] = [];
    const mediator = createMediator({
      slices: [slice],
      onError: (error, failure) => {
        seen.push([error, failure.operation, failure.message.constructor.name]);
      },
    });

    const failure = await mediator.send(new FindNote(), { correlationId: 'c-1' }).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toBe('no such table: notes');
    expect(seen).toEqual([[failure, 'send', 'FindNote']]);
  });

  it('replaces the failure with the error it returns', async () => {
    const mediator = createMediator({
      slices: [slice],
      onError: (error) =>
        error instanceof Error && error.message.startsWith('no such') ? new NotFoundError('No note') : undefined,
    });

    const failure = await mediator.send(new FindNote()).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(NotFoundError);
    expect((failure as NotFoundError).code).toBe('NOT_FOUND');
  });

  it('replaces the failure with the error it throws, and sees nested failures with their context', async () => {
    const correlations: string[] = [];
    const mediator = createMediator({
      slices: [slice],
      onError: (error, failure) => {
        correlations.push(`${failure.message.constructor.name}:${failure.context.correlationId}`);
        throw new InternalError('wrapped', { cause: error });
      },
    });

    const failure = await mediator.send(new Lookup(), { correlationId: 'op-9' }).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(InternalError);
    expect(((failure as InternalError).cause as InternalError).message).toBe('wrapped');
    expect(correlations).toEqual(['FindNote:op-9', 'Lookup:op-9']);
  });

  it('sees aggregate publish failures and stream failures', async () => {
    const seen: string[] = [];
    const mediator = createMediator({
      slices: [slice],
      onError: (error, failure) => {
        seen.push(`${failure.operation}:${(error as Error).constructor.name}`);
      },
    });

    await expect(mediator.publish(new NoteSaved())).rejects.toBeInstanceOf(PublishError);
    const items: string[] = [];
    await expect(
      (async () => {
        for await (const line of mediator.stream(new Lines())) items.push(line);
      })(),
    ).rejects.toThrow('disk gone');

    expect(items).toEqual(['first']);
    expect(seen).toEqual(['publish:PublishError', 'stream:Error']);
  });

  it('is not called when the dispatch succeeds', async () => {
    let calls = 0;
    const mediator = createMediator({ slices: [slice], onError: () => void calls++ });

    await mediator.publish(new (class Unheard extends Notification {})());

    expect(calls).toBe(0);
  });
});
