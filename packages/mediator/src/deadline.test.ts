import 'reflect-metadata';
import { getEventListeners } from 'node:events';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import {
  CancelledError,
  createMediator,
  type DispatchContext,
  defineBehavior,
  defineSlice,
  handle,
  Query,
  TimeoutError,
} from './index.js';

class Echo extends Query<number> {
  constructor(readonly value: number) {
    super();
  }
}
class EchoHandler {
  async handle(request: Echo): Promise<number> {
    return request.value;
  }
}
class Hang extends Query<never> {}
class HangHandler {
  handle(): Promise<never> {
    return new Promise(() => undefined);
  }
}
class SeeSignal extends Query<boolean> {}
class SeeSignalHandler {
  async handle(_request: SeeSignal, context: DispatchContext): Promise<boolean> {
    await new Promise((resolve) => setTimeout(resolve, 30));
    return context.signal.aborted;
  }
}
const slice = defineSlice({
  name: 'deadlines',
  handlers: [handle(Echo, EchoHandler), handle(Hang, HangHandler), handle(SeeSignal, SeeSignalHandler)],
});

/** Timers that keep the event loop alive: what would keep a CLI from exiting. */
const liveTimers = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;

function forceGc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

describe('timeout', () => {
  it('keeps the process alive while a hung handler runs, then rejects with TIMEOUT and lets it go', async () => {
    const mediator = createMediator({ slices: [slice] });
    const before = liveTimers();

    const sent = mediator.send(new Hang(), { timeout: 20 });

    expect(liveTimers()).toBe(before + 1);
    await expect(sent).rejects.toBeInstanceOf(TimeoutError);
    expect(liveTimers()).toBe(before);
  });

  it('clears its timer as soon as the dispatch settles, long before the deadline', async () => {
    const mediator = createMediator({ slices: [slice] });
    const before = liveTimers();

    await expect(mediator.send(new Echo(7), { timeout: 60_000 })).resolves.toBe(7);
    await Promise.resolve();

    expect(liveTimers()).toBe(before);
  });

  it('still cancels with the long-lived signal it is given, and leaves one listener on that signal', async () => {
    const mediator = createMediator({ slices: [slice] });
    const shutdown = new AbortController();
    for (let i = 0; i < 50; i++) await mediator.send(new Echo(i), { signal: shutdown.signal, timeout: 60_000 });

    const pending = Array.from({ length: 20 }, () =>
      mediator.send(new Hang(), { signal: shutdown.signal, timeout: 60_000 }),
    );
    expect(getEventListeners(shutdown.signal, 'abort')).toHaveLength(1);
    shutdown.abort();

    for (const sent of pending) await expect(sent).rejects.toBeInstanceOf(CancelledError);
  });

  it('retains nothing across 100,000 sends with one long-lived signal and a timeout (heap grows < 2 MB)', async () => {
    const gc = forceGc();
    const mediator = createMediator({ slices: [slice] });
    const shutdown = new AbortController();
    const options = { signal: shutdown.signal, timeout: 60_000 };
    const settledHeap = async () => {
      for (let i = 0; i < 3; i++) {
        gc();
        await new Promise((resolve) => setImmediate(resolve));
      }
      return process.memoryUsage().heapUsed;
    };
    // A first 100,000 warm everything up (JIT code, timer lists) on a machine that may be loaded; a leak grows with
    // every send, so the second 100,000 show it as well: 20 bytes kept per send would be 2 MB.
    for (let i = 0; i < 100_000; i++) await mediator.send(new Echo(i), options);
    const before = await settledHeap();

    for (let i = 0; i < 100_000; i++) await mediator.send(new Echo(i), options);
    const growth = (await settledHeap()) - before;

    expect(growth).toBeLessThan(2 * 1024 * 1024);
  }, 90_000);
});

describe("a behavior's own deadline (next({ timeout }))", () => {
  it("aborts the handler's signal at its deadline without aborting the dispatch's own signal", async () => {
    let outer: AbortSignal | undefined;
    const narrow = defineBehavior({
      name: 'narrow',
      async handle(_request, context, next) {
        outer = context.signal;
        return next({ timeout: 5 });
      },
    });
    const mediator = createMediator({ slices: [slice], behaviors: [narrow] });

    await expect(mediator.send(new SeeSignal(), { signal: new AbortController().signal })).rejects.toBeInstanceOf(
      TimeoutError,
    );
    expect(outer?.aborted).toBe(false);
  });

  it('passes the signal it is given to the rest of the pipeline, and clears its timer when that settles', async () => {
    const controller = new AbortController();
    const narrow = defineBehavior({
      name: 'narrow',
      handle: (_request, _context, next) => next({ signal: controller.signal, timeout: 60_000 }),
    });
    const mediator = createMediator({ slices: [slice], behaviors: [narrow] });
    const before = liveTimers();

    await expect(mediator.send(new Echo(3))).resolves.toBe(3);
    expect(liveTimers()).toBe(before);
    const seen = mediator.send(new SeeSignal());
    controller.abort();
    await expect(seen).rejects.toBeInstanceOf(CancelledError);
  });

  it('rejects next() options that are not a signal and milliseconds', async () => {
    const wrong = defineBehavior({ name: 'wrong', handle: (_r, _c, next) => next({ timeout: -1 }) });
    const mediator = createMediator({ slices: [slice], behaviors: [wrong] });

    await expect(mediator.send(new Echo(1))).rejects.toThrow(/next\(\) takes/);
  });
});
