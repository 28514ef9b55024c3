import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import {
  createMediator,
  type DispatchContext,
  defineCommand,
  defineQuery,
  defineStream,
  type HandlerContext,
  handle,
  handleStream,
  Query,
  type Request,
  recordDispatches,
  StreamRequest,
  scoped,
} from './index.js';

interface UserDto {
  id: number;
  name: string;
}

class GetUsers extends Query<UserDto[]> {}
class CountUsers extends Query<number> {}
class ImportUsers extends StreamRequest<{ imported: number }> {}

class GetUsersHandler {
  handle(): UserDto[] {
    return [];
  }
}
class ImportUsersHandler {
  async *handle(): AsyncIterable<{ imported: number }> {
    yield { imported: 1 };
  }
}

describe('send and stream', () => {
  it('infer the response and item types from the request, without a cast', () => {
    const mediator = createMediator({ slices: [] });

    expectTypeOf(mediator.send(new GetUsers())).toEqualTypeOf<Promise<UserDto[]>>();
    expectTypeOf(mediator.send(new CountUsers())).toEqualTypeOf<Promise<number>>();
    expectTypeOf(mediator.stream(new ImportUsers())).toEqualTypeOf<AsyncIterable<{ imported: number }>>();
  });

  it('reject a handler whose response does not match the request', () => {
    handle(GetUsers, GetUsersHandler);
    handleStream(ImportUsers, ImportUsersHandler);
    // @ts-expect-error GetUsersHandler returns UserDto[], CountUsers wants number
    handle(CountUsers, GetUsersHandler);
    // @ts-expect-error a request handler cannot answer a stream request
    handleStream(ImportUsers, GetUsersHandler);
  });

  it('refuse a stream request in send', () => {
    const mediator = createMediator({ slices: [] });
    // @ts-expect-error ImportUsers is a stream request: use stream()
    mediator.send(new ImportUsers());
  });
});

describe('scoped services and recordings', () => {
  it('infer the instance type from the scoped declaration', () => {
    class Session {
      readonly userId = 'ada';
    }
    const CurrentSession = scoped('CurrentSession', () => new Session());
    const context = {} as DispatchContext;

    expectTypeOf(context.get(CurrentSession)).toEqualTypeOf<Session>();
    // @ts-expect-error a scoped service is declared with scoped(), not passed as a class
    context.get(Session);
  });

  it('type what a recording holds', () => {
    const recording = recordDispatches(createMediator({ slices: [] }));

    expectTypeOf(recording.sent).toEqualTypeOf<Request<unknown>[]>();
  });
});

describe('defineQuery, defineCommand and defineStream', () => {
  const id = z.object({ id: z.coerce.number() });
  class GetUser extends defineQuery({ input: id, output: z.object({ id: z.number(), name: z.string() }) }) {}
  class Forget extends defineCommand({ input: id }) {}
  class Tick extends defineStream({ output: z.number() }) {}

  it('type the response from output, the constructor from the input schema, and context.input from its output', () => {
    const mediator = createMediator({ slices: [] });

    expectTypeOf(mediator.send(new GetUser({ id: '7' }))).toEqualTypeOf<Promise<{ id: number; name: string }>>();
    expectTypeOf(mediator.send(new Forget({ id: 1 }))).toEqualTypeOf<Promise<void>>();
    expectTypeOf(mediator.stream(new Tick())).toEqualTypeOf<AsyncIterable<number>>();
    expectTypeOf<HandlerContext<GetUser>['input']>().toEqualTypeOf<{ id: number }>();
    expectTypeOf<HandlerContext<Tick>['input']>().toEqualTypeOf<undefined>();
    expectTypeOf(new GetUser({ id: '7' }).input).toEqualTypeOf<{ id: unknown }>();
    // @ts-expect-error the input schema wants an object with an id
    new GetUser({ name: 'x' });
    // @ts-expect-error a stream request is not sent
    mediator.send(new Tick());
  });

  it('check a handler against the request it is paired with', () => {
    class GetUserHandler {
      handle(_request: GetUser, { input }: HandlerContext<GetUser>) {
        return { id: input.id, name: 'Ada' };
      }
    }
    class WrongHandler {
      handle(_request: GetUser, { input }: HandlerContext<GetUser>) {
        return input.id;
      }
    }
    handle(GetUser, GetUserHandler);
    // @ts-expect-error the handler returns a number, GetUser responds with a user
    handle(GetUser, WrongHandler);
  });
});
