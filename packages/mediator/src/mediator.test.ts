import 'reflect-metadata';
import { Container, ContainerInstance, Service } from 'typedi';
import { describe, expect, it } from 'vitest';
import {
  Command,
  CompositionError,
  createMediator,
  declareRequest,
  defineBehavior,
  defineSlice,
  handle,
  InvalidArgumentError,
  MissingHandlerError,
  Query,
  ValidationError,
  validation,
} from './index.js';

class Greet extends Query<string> {
  constructor(readonly name: string) {
    super();
  }
}

@Service()
class Greeter {
  greet(name: string): string {
    return `Hello, ${name}`;
  }
}

@Service()
class GreetHandler {
  constructor(private readonly greeter: Greeter) {}
  handle(request: Greet): string {
    return this.greeter.greet(request.name);
  }
}

class Ping extends Command<number> {}
class PingHandler {
  async handle(): Promise<number> {
    return 1;
  }
}

const greeting = defineSlice({ name: 'greeting', handlers: [handle(Greet, GreetHandler)] });
const ping = defineSlice({ name: 'ping', handlers: [handle(Ping, PingHandler)] });

describe('createMediator', () => {
  it('sends a request to its handler, built by typedi with its constructor dependencies', async () => {
    const mediator = createMediator({ slices: [greeting, ping] });

    await expect(mediator.send(new Greet('Ada'))).resolves.toBe('Hello, Ada');
    await expect(mediator.send(new Ping())).resolves.toBe(1);
  });

  it('fails at composition when two slices handle the same request, naming both', () => {
    const copy = defineSlice({ name: 'greeting-copy', handlers: [handle(Greet, GreetHandler)] });

    expect(() => createMediator({ slices: [greeting, copy] })).toThrow(
      new CompositionError('Greet is handled by two slices: greeting and greeting-copy'),
    );
  });

  it('fails at composition when a slice is listed twice', () => {
    expect(() => createMediator({ slices: [ping, ping] })).toThrow(/Slice ping is composed twice/);
  });

  it('fails at composition when a request a slice sends has no handler among the slices', () => {
    const caller = defineSlice({ name: 'caller', sends: [Greet] });

    expect(() => createMediator({ slices: [caller, ping] })).toThrow(
      /caller sends Greet, but none of the composed slices handles it/,
    );
  });

  it('rejects a request no slice handles with an error naming it', async () => {
    const mediator = createMediator({ slices: [ping] });

    await expect(mediator.send(new Greet('Ada'))).rejects.toThrow(MissingHandlerError);
    await expect(mediator.send(new Greet('Ada'))).rejects.toThrow(/No handler for Greet/);
  });

  it('turns a synchronous throw in a handler into a rejection', async () => {
    class Fail extends Query<never> {}
    class FailHandler {
      handle(): never {
        throw new Error('broken');
      }
    }
    const mediator = createMediator({ slices: [defineSlice({ name: 'f', handlers: [handle(Fail, FailHandler)] })] });

    const sent = mediator.send(new Fail());
    expect(sent).toBeInstanceOf(Promise);
    await expect(sent).rejects.toThrow('broken');
  });

  it('builds handlers that list their dependencies in `static inject`, without decorator metadata', async () => {
    class Hello extends Query<string> {}
    class HelloHandler {
      static inject = [Greeter];
      constructor(private readonly greeter: Greeter) {}
      handle(): string {
        return this.greeter.greet('inject');
      }
    }
    const mediator = createMediator({ slices: [defineSlice({ name: 'h', handlers: [handle(Hello, HelloHandler)] })] });

    await expect(mediator.send(new Hello())).resolves.toBe('Hello, inject');
  });

  it('refuses a handler with constructor arguments it cannot resolve', () => {
    class Bare extends Query<string> {}
    class BareHandler {
      constructor(readonly greeter: Greeter) {}
      handle(): string {
        return this.greeter.greet('x');
      }
    }
    const slice = defineSlice({ name: 'bare', handlers: [handle(Bare, BareHandler)] });

    expect(() => createMediator({ slices: [slice] })).toThrow(/has no decorator metadata/);
  });

  it('keeps two mediators independent: each has its own container and handler instances', async () => {
    const a = createMediator({ slices: [greeting] });
    const b = createMediator({ slices: [greeting], container: new ContainerInstance('other') });

    expect(a.container).not.toBe(b.container);
    expect(a.container.get(GreetHandler)).not.toBe(b.container.get(GreetHandler));
    expect(Container.has(GreetHandler)).toBe(true);
  });

  it('describes every registered message with its kind, slice, handler and pipeline', () => {
    const mediator = createMediator({ slices: [greeting, ping] });

    expect(
      mediator
        .describe()
        .map(({ name, kind, slices, handlers, pipeline }) => ({ name, kind, slices, handlers, pipeline })),
    ).toEqual([
      { name: 'Greet', kind: 'query', slices: ['greeting'], handlers: ['GreetHandler'], pipeline: [] },
      { name: 'Ping', kind: 'command', slices: ['ping'], handlers: ['PingHandler'], pipeline: [] },
    ]);
  });
});

describe('slice requirements', () => {
  const model = defineSlice({ name: 'model' });
  const reader = defineSlice({ name: 'reader', requires: [model] });
  const writer = defineSlice({ name: 'writer', requires: [model] });

  it('composes required slices first, once, even when several slices require them', () => {
    const mediator = createMediator({ slices: [reader, writer] });

    expect(mediator.slices.map((slice) => slice.name)).toEqual(['model', 'reader', 'writer']);
  });

  it('accepts a required slice that the host also lists', () => {
    const mediator = createMediator({ slices: [reader, model] });

    expect(mediator.slices.map((slice) => slice.name)).toEqual(['model', 'reader']);
  });

  it('refuses two different slices of one name, as two copies of a package would be', () => {
    const copy = defineSlice({ name: 'model' });

    expect(() => createMediator({ slices: [reader, copy] })).toThrow(/Two different slices are named model/);
  });
});

describe('composition of behaviors', () => {
  const logging = defineBehavior({ name: 'logging', handle: (_request, _context, next) => next() });

  it('refuses a behavior listed by the host and by a slice, naming both', () => {
    const withLogging = defineSlice({ ...ping, behaviors: [logging] });

    expect(() => createMediator({ slices: [withLogging], behaviors: [logging] })).toThrow(
      'Behavior logging is listed by the host and ping: it would wrap each request twice; list it once',
    );
  });

  it('refuses a behavior a slice lists twice, or a built-in one listed again', () => {
    expect(() => createMediator({ slices: [defineSlice({ ...ping, behaviors: [logging, logging] })] })).toThrow(
      'Behavior logging is listed twice by ping',
    );
    expect(() => createMediator({ slices: [ping], behaviors: [validation] })).toThrow(
      'Behavior validation is listed by the mediator (built in) and the host',
    );
  });

  it('accepts two behaviors of one name that are different objects', async () => {
    const again = defineBehavior({ name: 'logging', handle: (_request, _context, next) => next() });

    await expect(createMediator({ slices: [ping], behaviors: [logging, again] }).send(new Ping())).resolves.toBe(1);
  });
});

describe('arguments', () => {
  it('rejects send options it cannot use, instead of throwing from send', async () => {
    const mediator = createMediator({ slices: [ping] });

    await expect(mediator.send(new Ping(), { timeout: -5 })).rejects.toThrow(
      'The timeout option must be milliseconds from 0, not -5',
    );
    await expect(mediator.send(new Ping(), { signal: 'soon' as never })).rejects.toBeInstanceOf(InvalidArgumentError);
  });

  it('throws at the call of stream with a request, not a stream request', () => {
    const mediator = createMediator({ slices: [ping] });

    expect(() => mediator.stream(new Ping() as never)).toThrow('Ping is a command: send() it, not stream()');
  });
});

describe('handlerOverride', () => {
  class Shout extends Query<string> {
    static readonly declaration = declareRequest({
      input: {
        '~standard': {
          version: 1,
          vendor: 'test',
          validate: (value: unknown) =>
            typeof value === 'string' && value !== '' ? { value } : { issues: [{ message: 'must not be empty' }] },
        },
      },
    });
    constructor(readonly input: string) {
      super();
    }
  }
  let built = 0;
  class ShoutHandler {
    constructor() {
      built++;
    }
    handle(request: Shout): string {
      return request.input.toUpperCase();
    }
  }
  const shouting = defineSlice({
    name: 'shouting',
    handlers: [handle(Shout, ShoutHandler), handle(Ping, PingHandler)],
  });

  it("answers the requests it returns a handler for with that handler, after the pipeline, never building the slice's", async () => {
    const routes: string[] = [];
    const mediator = createMediator({
      slices: [shouting],
      handlerOverride: (route) => {
        routes.push(`${route.kind} ${route.slice}/${route.message.name} ${route.handler}`);
        return route.message === Shout
          ? { handle: (_request: unknown, context: { input: unknown }) => `elsewhere: ${String(context.input)}` }
          : undefined;
      },
    });

    await expect(mediator.send(new Shout('hi'))).resolves.toBe('elsewhere: hi');
    await expect(mediator.send(new Shout(''))).rejects.toThrow(ValidationError); // validation ran first
    await expect(mediator.send(new Ping())).resolves.toBe(1); // the slice's own handler
    expect(built).toBe(0);
    expect(routes).toEqual(['request shouting/Shout ShoutHandler', 'request shouting/Ping PingHandler']);
  });
});
