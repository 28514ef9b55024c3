import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  CancelledError,
  Command,
  createMediator,
  type DispatchContext,
  declareRequest,
  defineSlice,
  ForbiddenError,
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

class Register extends Command<string> {
  static readonly declaration = declareRequest({ input: registerInput, permissions: ['users:write'] });
  constructor(readonly input: InputOf<typeof registerInput>) {
    super();
  }
}
class RegisterHandler {
  handle(request: Register): string {
    return `${request.input.name} <${request.input.email}>`;
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
