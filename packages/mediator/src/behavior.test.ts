import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import {
  Command,
  createMediator,
  defineBehavior,
  defineSlice,
  handle,
  handleStream,
  Query,
  StreamRequest,
} from './index.js';

const log: string[] = [];

class Save extends Command<string> {}
class SaveHandler {
  handle(): string {
    log.push('handler');
    return 'saved';
  }
}
class Load extends Query<string> {}
class LoadHandler {
  handle(): string {
    log.push('handler');
    return 'loaded';
  }
}
class Count extends StreamRequest<number> {}
class CountHandler {
  async *handle(): AsyncIterable<number> {
    log.push('handler');
    yield 1;
    yield 2;
  }
}

const slice = defineSlice({
  name: 'store',
  handlers: [handle(Save, SaveHandler), handle(Load, LoadHandler), handleStream(Count, CountHandler)],
});

function tracing(name: string, kinds?: ('command' | 'query' | 'stream')[]) {
  return defineBehavior({
    name,
    ...(kinds && { kinds }),
    async handle(_request, _context, next) {
      log.push(`${name} before`);
      const result = await next();
      log.push(`${name} after`);
      return result;
    },
    async *stream(_request, _context, next) {
      log.push(`${name} before`);
      yield* next();
      log.push(`${name} after`);
    },
  });
}

describe('pipeline behaviors', () => {
  it('run in registration order, the first outermost', async () => {
    log.length = 0;
    const mediator = createMediator({ slices: [slice], behaviors: [tracing('outer'), tracing('inner')] });

    await expect(mediator.send(new Save())).resolves.toBe('saved');

    expect(log).toEqual(['outer before', 'inner before', 'handler', 'inner after', 'outer after']);
  });

  it('put host behaviors outside slice behaviors', async () => {
    log.length = 0;
    const withOwn = defineSlice({ ...slice, behaviors: [tracing('slice')] });
    const mediator = createMediator({ slices: [withOwn], behaviors: [tracing('host')] });

    await mediator.send(new Load());

    expect(log).toEqual(['host before', 'slice before', 'handler', 'slice after', 'host after']);
    expect(mediator.describe().find((m) => m.name === 'Load')?.pipeline).toEqual(['host', 'slice']);
  });

  it('can target commands only', async () => {
    log.length = 0;
    const mediator = createMediator({ slices: [slice], behaviors: [tracing('commands', ['command'])] });

    await mediator.send(new Load());
    await mediator.send(new Save());

    expect(log).toEqual(['handler', 'commands before', 'handler', 'commands after']);
  });

  it('can target messages by a predicate on their class', async () => {
    log.length = 0;
    const onlyLoad = defineBehavior({ ...tracing('load'), when: (messageClass) => messageClass === Load });
    const mediator = createMediator({ slices: [slice], behaviors: [onlyLoad] });

    await mediator.send(new Save());
    await mediator.send(new Load());

    expect(log).toEqual(['handler', 'load before', 'handler', 'load after']);
  });

  it('can short-circuit: the handler never runs', async () => {
    log.length = 0;
    const cache = defineBehavior({ name: 'cache', handle: async () => 'cached' });
    const mediator = createMediator({ slices: [slice], behaviors: [cache] });

    await expect(mediator.send(new Load())).resolves.toBe('cached');
    expect(log).toEqual([]);
  });

  it('see the response and can replace it', async () => {
    const shout = defineBehavior({ name: 'shout', handle: async (_r, _c, next) => String(await next()).toUpperCase() });
    const mediator = createMediator({ slices: [slice], behaviors: [shout] });

    await expect(mediator.send(new Load())).resolves.toBe('LOADED');
  });

  it('wrap streams too, in the same order', async () => {
    log.length = 0;
    const mediator = createMediator({ slices: [slice], behaviors: [tracing('outer'), tracing('inner')] });

    const items: number[] = [];
    for await (const item of mediator.stream(new Count())) items.push(item);

    expect(items).toEqual([1, 2]);
    expect(log).toEqual(['outer before', 'inner before', 'handler', 'inner after', 'outer after']);
  });

  it('see a handler failure and can observe it', async () => {
    class Break extends Command<void> {}
    class BreakHandler {
      handle(): void {
        throw new Error('broken');
      }
    }
    const seen: unknown[] = [];
    const observe = defineBehavior({
      name: 'observe',
      async handle(_request, _context, next) {
        try {
          return await next();
        } catch (error) {
          seen.push((error as Error).message);
          throw error;
        }
      },
    });
    const mediator = createMediator({
      slices: [defineSlice({ name: 'b', handlers: [handle(Break, BreakHandler)] })],
      behaviors: [observe],
    });

    await expect(mediator.send(new Break())).rejects.toThrow('broken');
    expect(seen).toEqual(['broken']);
  });
});
