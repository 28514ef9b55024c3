/**
 * Conformance: pipeline behaviors, ported from the pipeline tests of MediatR (jbogard/MediatR) and of
 * martinothamar/Mediator. Each case names the test whose behaviour it ports; the code is ours.
 */
import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import {
  Command,
  createMediator,
  type DispatchContext,
  defineBehavior,
  defineSlice,
  handle,
  Query,
  TimeoutError,
} from '../index.js';

const output: string[] = [];
class Ping extends Query<string> {
  constructor(readonly message: string) {
    super();
  }
}
class PingHandler {
  async handle(request: Ping): Promise<string> {
    output.push('Handler');
    return `${request.message} Pong`;
  }
}
class Zing extends Query<string> {
  constructor(readonly message: string) {
    super();
  }
}
class ZingHandler {
  async handle(request: Zing): Promise<string> {
    output.push('Handler');
    return `${request.message} Zong`;
  }
}
const logged = (name: string, when?: (messageClass: unknown) => boolean) =>
  defineBehavior({
    name,
    ...(when && { when }),
    async handle(_request, _context, next) {
      output.push(`${name} before`);
      const response = await next();
      output.push(`${name} after`);
      return response;
    },
  });
const slice = defineSlice({ name: 'pings', handlers: [handle(Ping, PingHandler), handle(Zing, ZingHandler)] });

describe('conformance: behaviors', () => {
  // MediatR: test/MediatR.Tests/PipelineTests.cs › Should_wrap_with_behavior
  // MediatR: test/MediatR.Tests/PipelineTests.cs › Should_wrap_generics_with_behavior
  it('wraps the handler, the first registered outermost', async () => {
    output.length = 0;
    const mediator = createMediator({ slices: [slice], behaviors: [logged('Outer'), logged('Inner')] });

    await expect(mediator.send(new Ping('Ping'))).resolves.toBe('Ping Pong');
    expect(output).toEqual(['Outer before', 'Inner before', 'Handler', 'Inner after', 'Outer after']);
  });

  // MediatR: test/MediatR.Tests/PipelineTests.cs › Should_handle_constrained_generics
  it('applies a behavior constrained to some requests to those only', async () => {
    output.length = 0;
    const constrained = logged('Constrained', (messageClass) => messageClass === Ping);
    const mediator = createMediator({
      slices: [slice],
      behaviors: [logged('Outer generic'), logged('Inner generic'), constrained],
    });

    await expect(mediator.send(new Ping('Ping'))).resolves.toBe('Ping Pong');
    const forPing = output.splice(0);
    await expect(mediator.send(new Zing('Zing'))).resolves.toBe('Zing Zong');

    expect(forPing).toEqual([
      'Outer generic before',
      'Inner generic before',
      'Constrained before',
      'Handler',
      'Constrained after',
      'Inner generic after',
      'Outer generic after',
    ]);
    expect(output).toEqual([
      'Outer generic before',
      'Inner generic before',
      'Handler',
      'Inner generic after',
      'Outer generic after',
    ]);
  });

  // MediatR: test/MediatR.Tests/SendTests.cs › TimeoutBehavior_NonVoid_Should_Cancel_Long_Running_Task_And_Throw_Exception
  // MediatR: test/MediatR.Tests/SendTests.cs › TimeoutBehavior_Void_Should_Cancel_Long_Running_Task_And_Throw_Exception
  it('lets a behavior give the rest of the pipeline its own deadline through next()', async () => {
    const dependency = { called: false, sawAbort: false };
    class Slow extends Query<number> {}
    class SlowVoid extends Command {}
    class SlowHandler {
      async handle(_request: Slow | SlowVoid, context: DispatchContext): Promise<number> {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 2_000);
          context.signal.addEventListener('abort', () => {
            dependency.sawAbort = true;
            clearTimeout(timer);
            resolve();
          });
        });
        if (context.signal.aborted) return 0;
        dependency.called = true;
        return 1;
      }
    }
    const timeoutBehavior = defineBehavior({
      name: 'timeout',
      handle: (_request, _context, next) => next({ timeout: 30 }),
    });
    const mediator = createMediator({
      slices: [defineSlice({ name: 'slow', handlers: [handle(Slow, SlowHandler), handle(SlowVoid, SlowHandler)] })],
      behaviors: [timeoutBehavior],
    });

    await expect(mediator.send(new Slow())).rejects.toBeInstanceOf(TimeoutError);
    await expect(mediator.send(new SlowVoid())).rejects.toBeInstanceOf(TimeoutError);
    expect(dependency).toEqual({ called: false, sawAbort: true });
  });

  // Mediator: test/Mediator.Tests/Pipeline/PipelineTests.cs › Test_Command_Specific_Pipeline
  // Mediator: test/Mediator.Tests/Pipeline/PipelineTests.cs › Test_Generic_Pipeline
  it('runs a behavior restricted to commands once per command and never for queries, seeing each request', async () => {
    const seen: unknown[] = [];
    class Rename extends Command<string> {
      constructor(readonly name: string) {
        super();
      }
    }
    class RenameHandler {
      handle(request: Rename): string {
        return request.name;
      }
    }
    const commandsOnly = defineBehavior({
      name: 'commands',
      kinds: ['command'],
      handle(request, _context, next) {
        seen.push(request);
        return next();
      },
    });
    const withRename = defineSlice({ ...slice, handlers: [...(slice.handlers ?? []), handle(Rename, RenameHandler)] });
    const mediator = createMediator({ slices: [withRename], behaviors: [commandsOnly] });
    const rename = new Rename('ada');

    await mediator.send(new Ping('Ping'));
    await expect(mediator.send(rename)).resolves.toBe('ada');

    expect(seen).toEqual([rename]);
    expect(seen[0]).toBe(rename);
  });
});
