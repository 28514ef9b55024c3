import 'reflect-metadata';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { ContainerInstance } from 'typedi';
import { describe, expect, it, vi } from 'vitest';
import {
  CancelledError,
  Command,
  createMediator,
  type DispatchContext,
  defineSlice,
  handle,
  handleStream,
  InternalError,
  Notification,
  on,
  Query,
  StreamRequest,
  scoped,
} from './index.js';

/** A per-dispatch resource that records its life in a shared journal. */
class Session {
  disposed = false;
  constructor(
    readonly id: number,
    readonly correlationId: string,
    readonly callerId: string | undefined,
    private readonly journal: string[],
  ) {
    journal.push(`open ${id}`);
  }
  [Symbol.dispose](): void {
    this.disposed = true;
    this.journal.push(`close ${this.id}`);
  }
}

const journal: string[] = [];
let opened = 0;
const CurrentSession = scoped('CurrentSession', (context) => {
  return new Session(++opened, context.correlationId, context.caller?.id, journal);
});
const AsyncResource = scoped('AsyncResource', () => ({
  async [Symbol.asyncDispose]() {
    await Promise.resolve();
    journal.push('async closed');
  },
}));
const Undeclared = scoped('Undeclared', () => 1);

class WhoAmI extends Query<{ id: number; correlationId: string; caller: string | undefined }> {}
class WhoAmIHandler {
  async handle(_request: WhoAmI, context: DispatchContext) {
    const first = context.get(CurrentSession);
    const again = context.get(CurrentSession);
    expect(again).toBe(first);
    expect(first.disposed).toBe(false);
    return { id: first.id, correlationId: first.correlationId, caller: first.callerId };
  }
}
class Twice extends Query<number[]> {}
class TwiceHandler {
  async handle(_request: Twice, context: DispatchContext): Promise<number[]> {
    const own = context.get(CurrentSession).id;
    const nested = await context.send(new WhoAmI());
    return [own, nested.id];
  }
}
class Explode extends Command {}
class ExplodeHandler {
  handle(_request: Explode, context: DispatchContext): void {
    context.get(CurrentSession);
    context.get(AsyncResource);
    throw new Error('boom');
  }
}
class Hang extends Query<void> {}
class HangHandler {
  handle(_request: Hang, context: DispatchContext): Promise<void> {
    context.get(CurrentSession);
    return new Promise((_resolve, reject) => {
      context.signal.addEventListener('abort', () => reject(context.signal.reason));
    });
  }
}
class Touched extends Notification {}
class TouchedHandler {
  handle(_notification: Touched, context: DispatchContext): void {
    journal.push(`seen ${context.get(CurrentSession).id}`);
  }
}
class TouchedAgainHandler extends TouchedHandler {}
class UseUndeclared extends Query<number> {}
class UseUndeclaredHandler {
  handle(_request: UseUndeclared, context: DispatchContext): number {
    return context.get(Undeclared);
  }
}

const slice = defineSlice({
  name: 'sessions',
  scoped: [CurrentSession, AsyncResource],
  handlers: [
    handle(WhoAmI, WhoAmIHandler),
    handle(Twice, TwiceHandler),
    handle(Explode, ExplodeHandler),
    handle(Hang, HangHandler),
    handle(UseUndeclared, UseUndeclaredHandler),
    on(Touched, TouchedHandler),
    on(Touched, TouchedAgainHandler),
  ],
});

function reset(): void {
  journal.length = 0;
  opened = 0;
}

describe('scoped services', () => {
  it('builds one instance per dispatch from its context and disposes it when the dispatch succeeds', async () => {
    reset();
    const mediator = createMediator({ slices: [slice] });

    const first = await mediator.send(new WhoAmI(), { correlationId: 'c-1', caller: { id: 'ada', permissions: [] } });
    const second = await mediator.send(new WhoAmI());

    expect(first).toEqual({ id: 1, correlationId: 'c-1', caller: 'ada' });
    expect(second.id).toBe(2);
    expect(journal).toEqual(['open 1', 'close 1', 'open 2', 'close 2']);
  });

  it('shares the scope with nested dispatches and disposes it once, when the outermost ends', async () => {
    reset();
    const mediator = createMediator({ slices: [slice] });

    await expect(mediator.send(new Twice())).resolves.toEqual([1, 1]);
    expect(journal).toEqual(['open 1', 'close 1']);
  });

  it('disposes every instance, last created first, when the handler fails', async () => {
    reset();
    const mediator = createMediator({ slices: [slice] });

    await expect(mediator.send(new Explode())).rejects.toThrow('boom');
    expect(journal).toEqual(['open 1', 'async closed', 'close 1']);
  });

  it('disposes the scope when the caller aborts mid-handler', async () => {
    reset();
    const mediator = createMediator({ slices: [slice] });
    const controller = new AbortController();

    const pending = mediator.send(new Hang(), { signal: controller.signal });
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(journal).toEqual(['open 1']);
    controller.abort();

    await expect(pending).rejects.toBeInstanceOf(CancelledError);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(journal).toEqual(['open 1', 'close 1']);
  });

  it('gives all handlers of one publish the same instance', async () => {
    reset();
    const mediator = createMediator({ slices: [slice] });

    await mediator.publish(new Touched());

    expect(journal).toEqual(['open 1', 'seen 1', 'seen 1', 'close 1']);
  });

  it('refuses a scoped service no composed slice declares', async () => {
    const mediator = createMediator({ slices: [slice] });

    await expect(mediator.send(new UseUndeclared())).rejects.toThrow(InternalError);
    await expect(mediator.send(new UseUndeclared())).rejects.toThrow(/Undeclared is not a scoped service/);
  });

  it('keeps the scopes of two mediators apart', async () => {
    reset();
    const mediator = createMediator({ slices: [slice] });
    const other = createMediator({ slices: [slice] });

    const [a, b] = await Promise.all([mediator.send(new WhoAmI()), other.send(new WhoAmI())]);

    expect([a.id, b.id].sort()).toEqual([1, 2]);
    expect(journal.filter((line) => line.startsWith('close'))).toHaveLength(2);
  });

  it('retains no scoped instance once its dispatches have ended', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    let collected = 0;
    const registry = new FinalizationRegistry<number>(() => {
      collected++;
    });
    const Tracked = scoped('Tracked', () => {
      const instance = { payload: new Array(100).fill(0) };
      registry.register(instance, 0);
      return instance;
    });
    class Track extends Query<void> {}
    class TrackHandler {
      handle(_request: Track, context: DispatchContext): void {
        context.get(Tracked);
      }
    }
    const tracking = createMediator({
      slices: [defineSlice({ name: 'tracking', scoped: [Tracked], handlers: [handle(Track, TrackHandler)] })],
    });

    for (let i = 0; i < 1_000; i++) await tracking.send(new Track());
    for (let round = 0; round < 5 && collected < 1_000; round++) {
      gc();
      await new Promise((resolve) => setTimeout(resolve, 20));
    }

    expect(collected).toBe(1_000);
  });

  it('disposes the scope of a stream when its consumer stops early', async () => {
    reset();
    class Numbers extends StreamRequest<number> {}
    class NumbersHandler {
      async *handle(_request: Numbers, context: DispatchContext): AsyncIterable<number> {
        const session = context.get(CurrentSession);
        for (let i = 0; ; i++) yield session.id * 100 + i;
      }
    }
    const mediator = createMediator({
      slices: [
        defineSlice({ name: 'numbers', scoped: [CurrentSession], handlers: [handleStream(Numbers, NumbersHandler)] }),
      ],
    });

    const seen: number[] = [];
    for await (const n of mediator.stream(new Numbers())) {
      seen.push(n);
      if (seen.length === 3) break;
    }

    expect(seen).toEqual([100, 101, 102]);
    expect(journal).toEqual(['open 1', 'close 1']);
  });

  it("gives factories the host's singletons, resolved through typedi once per mediator", async () => {
    class Clock {
      readonly now = 42;
    }
    const container = new ContainerInstance('scope-services');
    container.set({ id: Clock, value: new Clock() });
    const Stamp = scoped('Stamp', (_context, services) => services.get(Clock).now);
    class GetStamp extends Query<number> {}
    class GetStampHandler {
      handle(_request: GetStamp, context: DispatchContext): number {
        return context.get(Stamp);
      }
    }
    const mediator = createMediator({
      container,
      slices: [defineSlice({ name: 'stamps', scoped: [Stamp], handlers: [handle(GetStamp, GetStampHandler)] })],
    });
    const lookups = vi.spyOn(container, 'get');

    const stamps = [await mediator.send(new GetStamp()), await mediator.send(new GetStamp())];

    expect(stamps).toEqual([42, 42]);
    expect(lookups).toHaveBeenCalledTimes(1);
  });

  it('refuses a scoped service asked for after its dispatch ended, instead of leaking an undisposed one', async () => {
    reset();
    let late: DispatchContext | undefined;
    class Remember extends Query<void> {}
    class RememberHandler {
      handle(_request: Remember, context: DispatchContext): void {
        late = context;
      }
    }
    const mediator = createMediator({
      slices: [defineSlice({ name: 'late', scoped: [CurrentSession], handlers: [handle(Remember, RememberHandler)] })],
    });

    await mediator.send(new Remember());

    expect(() => late?.get(CurrentSession)).toThrow(/after its dispatch ended/);
    expect(journal).toEqual([]);
  });
});
