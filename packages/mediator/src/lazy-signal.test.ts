import 'reflect-metadata';
import type { StandardSchemaV1 } from '@standard-schema/spec';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  CancelledError,
  Command,
  createMediator,
  type DispatchContext,
  declareRequest,
  defineSlice,
  type HandlerContext,
  handle,
  type InputOf,
  Query,
  ValidationError,
} from './index.js';

const renameInput = z.object({ name: z.string().trim().min(1) });
class Rename extends Command<string> {
  static readonly declaration = declareRequest({ input: renameInput, permissions: ['users:write'] });
  constructor(readonly input: InputOf<typeof renameInput>) {
    super();
  }
}
class RenameHandler {
  handle(_request: Rename, { input }: HandlerContext<Rename>): string {
    return `renamed to ${input.name}`;
  }
}

class Later extends Query<string> {}
class LaterHandler {
  async handle(): Promise<string> {
    await new Promise((resolve) => setTimeout(resolve, 30));
    return 'later';
  }
}

class Peek extends Query<boolean> {}
class PeekHandler {
  handle(_request: Peek, context: DispatchContext): boolean {
    return context.signal.aborted;
  }
}

class Outer extends Query<boolean> {}
class OuterHandler {
  async handle(_request: Outer, context: DispatchContext): Promise<boolean> {
    await new Promise((resolve) => setTimeout(resolve, 5));
    return context.send(new Peek());
  }
}

/** A Standard Schema that only answers asynchronously: the pipeline then waits for it. */
const slowName: StandardSchemaV1<unknown, { name: string }> = {
  '~standard': {
    version: 1,
    vendor: 'test',
    validate: async (value) => {
      const name = (value as { name?: unknown }).name;
      return typeof name === 'string' ? { value: { name: name.toUpperCase() } } : { issues: [{ message: 'no name' }] };
    },
  },
};
class Shout extends Command<string> {
  static readonly declaration = declareRequest({ input: slowName });
  constructor(readonly input: { name: string }) {
    super();
  }
}
class ShoutHandler {
  handle(_request: Shout, { input }: HandlerContext<Shout>): string {
    return input.name;
  }
}

const slice = defineSlice({
  name: 'lazy-signal',
  handlers: [
    handle(Rename, RenameHandler),
    handle(Later, LaterHandler),
    handle(Peek, PeekHandler),
    handle(Outer, OuterHandler),
    handle(Shout, ShoutHandler),
  ],
  sends: [Peek],
});
const admin = { id: 'admin', permissions: ['*'] };

/** A lazy signal that counts how often it is made, and the controller behind it. */
function lazySignal(make: () => AbortSignal = () => new AbortController().signal) {
  const counter = { made: 0, signal: undefined as AbortSignal | undefined };
  const signal = () => {
    counter.made++;
    counter.signal = make();
    return counter.signal;
  };
  return { counter, signal };
}

describe('a signal given as a function', () => {
  it('is never made when authorization, validation and the handler all finish synchronously', async () => {
    const mediator = createMediator({ slices: [slice] });
    const { counter, signal } = lazySignal();

    const renamed = mediator.send(new Rename({ name: '  Ada ' }), { signal, caller: admin });
    const refused = mediator.send(new Rename({ name: ' ' }), { signal, caller: admin });

    await expect(renamed).resolves.toBe('renamed to Ada');
    await expect(refused).rejects.toThrow(ValidationError);
    expect(counter.made).toBe(0);
  });

  it('is made once the handler goes asynchronous, and aborting it cancels the dispatch', async () => {
    const mediator = createMediator({ slices: [slice] });
    const controller = new AbortController();
    const { counter, signal } = lazySignal(() => controller.signal);

    const sent = mediator.send(new Later(), { signal });
    expect(counter.made).toBe(1);
    controller.abort();

    await expect(sent).rejects.toThrow(CancelledError);
  });

  it('is made when a handler reads context.signal, and shared once with nested dispatches', async () => {
    const mediator = createMediator({ slices: [slice] });
    const { counter, signal } = lazySignal();

    await expect(mediator.send(new Peek(), { signal })).resolves.toBe(false);
    expect(counter.made).toBe(1);

    const nested = lazySignal();
    await expect(mediator.send(new Outer(), { signal: nested.signal })).resolves.toBe(false);
    expect(nested.counter.made).toBe(1);
  });

  it('cancels an asynchronous dispatch at once when the signal it makes is already aborted', async () => {
    const mediator = createMediator({ slices: [slice] });
    const { signal } = lazySignal(() => AbortSignal.abort());

    await expect(mediator.send(new Later(), { signal })).rejects.toThrow(CancelledError);
  });

  it('ends the dispatch CANCELLED, with the failure as cause, when making the signal throws', async () => {
    const mediator = createMediator({ slices: [slice] });
    const failure = new Error('no controller today');

    const error = await mediator
      .send(new Later(), {
        signal: () => {
          throw failure;
        },
      })
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(CancelledError);
    expect((error as Error).cause).toBe(failure);
  });

  it('is made at once with a timeout, so the deadline runs from the start', async () => {
    const mediator = createMediator({ slices: [slice] });
    const { counter, signal } = lazySignal();

    await expect(mediator.send(new Rename({ name: 'Ada' }), { signal, timeout: 1_000, caller: admin })).resolves.toBe(
      'renamed to Ada',
    );
    expect(counter.made).toBe(1);
  });
});

describe('a schema that validates asynchronously', () => {
  it('is awaited before the handler, which gets its output', async () => {
    const mediator = createMediator({ slices: [slice] });

    await expect(mediator.send(new Shout({ name: 'ada' }))).resolves.toBe('ADA');
    await expect(mediator.send(new Shout({} as { name: string }))).rejects.toThrow(ValidationError);
  });

  it('still lets a signal cancel the dispatch while it waits', async () => {
    const mediator = createMediator({ slices: [slice] });
    const controller = new AbortController();

    const sent = mediator.send(new Shout({ name: 'ada' }), { signal: controller.signal });
    controller.abort();

    await expect(sent).rejects.toThrow(CancelledError);
  });
});

describe('a synchronous failure in the pipeline', () => {
  it('becomes a rejection, never a throw from send', () => {
    const mediator = createMediator({ slices: [slice] });
    let sent: Promise<string> | undefined;

    expect(() => {
      sent = mediator.send(new Rename({ name: 'Ada' }), { signal: () => new AbortController().signal });
    }).not.toThrow();

    return expect(sent).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });
});
