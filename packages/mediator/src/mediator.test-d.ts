import { describe, expectTypeOf, it } from 'vitest';
import { createMediator, handle, Query } from './index.js';

interface UserDto {
  id: number;
  name: string;
}

class GetUsers extends Query<UserDto[]> {}
class CountUsers extends Query<number> {}

class GetUsersHandler {
  handle(): UserDto[] {
    return [];
  }
}

describe('send', () => {
  it('infers the response type from the request, without a cast', () => {
    const mediator = createMediator({ slices: [] });

    expectTypeOf(mediator.send(new GetUsers())).toEqualTypeOf<Promise<UserDto[]>>();
    expectTypeOf(mediator.send(new CountUsers())).toEqualTypeOf<Promise<number>>();
  });

  it('rejects a handler whose response does not match the request', () => {
    handle(GetUsers, GetUsersHandler);
    // @ts-expect-error GetUsersHandler returns UserDto[], CountUsers wants number
    handle(CountUsers, GetUsersHandler);
  });
});
