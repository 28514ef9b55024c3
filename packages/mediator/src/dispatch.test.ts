import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  CancelledError,
  createMediator,
  type DispatchContext,
  declareRequest,
  defineCommand,
  defineSlice,
  defineStream,
  ForbiddenError,
  type HandlerContext,
  handle,
  handleStream,
  type InputOf,
  Query,
  StreamRequest,
  TimeoutError,
  UnauthorizedError,
  ValidationError,
} from './index.js';

const registerInput = z.object({
  name: z.string().trim().min(1).max(100),
  email: z.email(),
});

class Register extends defineCommand({
  input: registerInput,
  output: z.string(),
  permissions: ['users:write'],
}) {}
class RegisterHandler {
  handle(_request: Register, { input }: HandlerContext<Register>): string {
    return `${input.name} <${input.email}>`;
  }
}

const lookupInput = z.object({ id: z.coerce.number().int() });
class Lookup extends Query<string> {
  static readonly declaration = declareRequest({ input: lookupInput });
  constructor(readonly input: InputOf<typeof lookupInput>) {
    super();
  }
}
class LookupHandler {
  handle(_request: Lookup, context: HandlerContext<Lookup>): Promise<string> | string {
    const own = `${typeof context.input.id}:${context.input.id}`;
    return context.input.id > 0
      ? context.send(new Lookup({ id: ` ${context.input.id - 1}` as never })).then((inner) => `${own},${inner}`)
      : own;
  }
}

class Count extends defineStream({ input: z.object({ to: z.coerce.number().int().max(5) }), output: z.number() }) {}
class CountHandler {
  async *handle(_request: Count, { input }: HandlerContext<Count>): AsyncIterable<number> {
    for (let i = 1; i <= input.to; i++) yield i;
  }
}

class Wait extends Query<string> {}
class WaitHandler {
  handle(_request: Wait, context: DispatchContext): Promise<string> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => resolve('finished'), 5_000);
      context.signal.addEventListener('abort', () => {
        clearTimeout(timer);
        reject(new Error('handler saw the abort'));
      });
    });
  }
}

class Whoami extends Query<string> {}
class WhoamiHandler {
  handle(_request: Whoami, context: DispatchContext): string {
    return `${context.caller?.id ?? 'anonymous'}/${context.correlationId}/${String(context.values.get('tenant'))}`;
  }
}
class Outer extends Query<string> {}
class OuterHandler {
  handle(_request: Outer, context: DispatchContext): Promise<string> {
    return context.send(new Whoami());
  }
}

class Ticks extends StreamRequest<number> {}
class TicksHandler {
  async *handle(_request: Ticks, context: DispatchContext): AsyncIterable<number> {
    for (let i = 0; !context.signal.aborted; i++) {
      yield i;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
}

const slice = defineSlice({
  name: 'dispatch',
  handlers: [
    handle(Register, RegisterHandler),
    handle(Lookup, LookupHandler),
    handleStream(Count, CountHandler),
    handle(Wait, WaitHandler),
    handle(Whoami, WhoamiHandler),
    handle(Outer, OuterHandler),
    handleStream(Ticks, TicksHandler),
  ],
  sends: [Whoami],
});
const admin = { id: 'admin', permissions: ['*'] };

describe('validation', () => {
  it('rejects invalid input with one issue per field before the handler runs', async () => {
    const mediator = createMediator({ slices: [slice] });

    const error = await mediator
      .send(new Register({ name: '  ', email: 'not-an-email' }), { caller: admin })
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((issue) => issue.path)).toEqual([['name'], ['email']]);
  });

  it("hands the handler the schema's output", async () => {
    const mediator = createMediator({ slices: [slice] });

    await expect(
      mediator.send(new Register({ name: '  Ada ', email: 'ada@example.com' }), { caller: admin }),
    ).resolves.toBe('Ada <ada@example.com>');
  });

  it('leaves the request as it was, so sending it twice gives the same result', async () => {
    const mediator = createMediator({ slices: [slice] });
    const request = new Register({ name: '  Ada ', email: 'ada@example.com' });

    const first = await mediator.send(request, { caller: admin });
    const second = await mediator.send(request, { caller: admin });

    expect([first, second]).toEqual(['Ada <ada@example.com>', 'Ada <ada@example.com>']);
    expect(request.input).toEqual({ name: '  Ada ', email: 'ada@example.com' });
    expect(Object.keys(request)).toEqual(['input']);
  });

  it('gives each nested dispatch its own parsed input', async () => {
    const mediator = createMediator({ slices: [slice] });

    await expect(mediator.send(new Lookup({ id: '2' as never }))).resolves.toBe('number:2,number:1,number:0');
  });

  it('hands a stream handler the parsed input', async () => {
    const mediator = createMediator({ slices: [slice] });
    const items: number[] = [];

    for await (const item of mediator.stream(new Count({ to: '3' }))) items.push(item);

    expect(items).toEqual([1, 2, 3]);
    await expect(async () => {
      for await (const _ of mediator.stream(new Count({ to: '9' }))) break;
    }).rejects.toThrow(ValidationError);
  });
});

describe('authorization', () => {
  const valid = { name: 'Ada', email: 'ada@example.com' };

  it('rejects a request that declares permissions when there is no caller', async () => {
    await expect(createMediator({ slices: [slice] }).send(new Register(valid))).rejects.toThrow(UnauthorizedError);
  });

  it('rejects a caller without the permission, before validation', async () => {
    const reader = { id: 'r', permissions: ['users:read'] };
    const invalid = new Register({ name: '', email: '' });

    await expect(createMediator({ slices: [slice] }).send(invalid, { caller: reader })).rejects.toThrow(ForbiddenError);
  });

  it('lets a caller with the permission through', async () => {
    const writer = { id: 'w', permissions: ['users:write'] };

    await expect(createMediator({ slices: [slice] }).send(new Register(valid), { caller: writer })).resolves.toBe(
      'Ada <ada@example.com>',
    );
  });

  it('shows up in the effective pipeline of the requests that need it only', () => {
    const described = createMediator({ slices: [slice] }).describe();

    expect(described.find((m) => m.name === 'Register')?.pipeline).toEqual(['authorization', 'validation']);
    expect(described.find((m) => m.name === 'Whoami')?.pipeline).toEqual([]);
  });
});

describe('cancellation and deadlines', () => {
  it('rejects with CANCELLED when the caller aborts mid-handler, and the handler sees the signal', async () => {
    const mediator = createMediator({ slices: [slice] });
    const controller = new AbortController();

    const sent = mediator.send(new Wait(), { signal: controller.signal });
    setTimeout(() => controller.abort(), 10);

    await expect(sent).rejects.toThrow(CancelledError);
  });

  it('rejects with TIMEOUT when the deadline passes', async () => {
    const mediator = createMediator({ slices: [slice] });

    const error = await mediator.send(new Wait(), { timeout: 20 }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).code).toBe('TIMEOUT');
  });

  it('does not call the handler when the signal is already aborted', async () => {
    const mediator = createMediator({ slices: [slice] });

    await expect(mediator.send(new Whoami(), { signal: AbortSignal.abort() })).rejects.toThrow(CancelledError);
  });

  it('ends a stream with CANCELLED when the caller aborts', async () => {
    const mediator = createMediator({ slices: [slice] });
    const controller = new AbortController();
    const seen: number[] = [];

    const consume = async () => {
      for await (const tick of mediator.stream(new Ticks(), { signal: controller.signal })) {
        seen.push(tick);
        if (tick === 2) controller.abort();
      }
    };

    await expect(consume()).rejects.toThrow(CancelledError);
    expect(seen).toEqual([0, 1, 2]);
  });
});

describe('dispatch context', () => {
  it('flows the caller, correlation id and values into nested sends', async () => {
    const mediator = createMediator({ slices: [slice] });
    const values = new Map([['tenant', 'acme']]);

    await expect(
      mediator.send(new Outer(), { caller: { id: 'ada', permissions: [] }, correlationId: 'c-1', values }),
    ).resolves.toBe('ada/c-1/acme');
  });

  it('generates a correlation id when none is given', async () => {
    const mediator = createMediator({ slices: [slice] });

    const answer = await mediator.send(new Whoami());

    expect(answer).toMatch(/^anonymous\/[0-9a-f-]{36}\/undefined$/);
  });
});
