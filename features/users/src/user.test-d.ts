import { describe, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import { type UserDto, userDtoSchema } from './index.js';

describe('userDtoSchema', () => {
  it('describes exactly the UserDto', () => {
    expectTypeOf<z.output<typeof userDtoSchema>>().toEqualTypeOf<UserDto>();
  });
});
