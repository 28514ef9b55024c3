import { describe, expectTypeOf, it } from 'vitest';
import { Database, type Rows } from './index.js';

interface UserRow {
  id: number;
  name: string;
}

describe('Table types', () => {
  it('types rows by the generic the table was named with', () => {
    const users = new Database().table<UserRow>('users');

    expectTypeOf(users.rowsWhere()).toEqualTypeOf<UserRow[]>();
    expectTypeOf(users.get(1)).toEqualTypeOf<UserRow>();
    expectTypeOf(users.rows).toEqualTypeOf<Rows<UserRow>>();
    expectTypeOf(users.search('x')).toEqualTypeOf<UserRow[]>();
    expectTypeOf(new Database().query<{ n: number }>('SELECT 1 AS n').first()).toEqualTypeOf<
      { n: number } | undefined
    >();
  });

  it('accepts only the row type in writes, and its columns as pk', () => {
    const users = new Database().table<UserRow>('users');

    users.insert({ id: 1, name: 'Ann' }, { pk: 'id' });
    users.update(1, { name: 'Bo' });
    // @ts-expect-error a row of another shape
    users.insert({ id: 1, nickname: 'Ann' });
    // @ts-expect-error a value of the wrong type
    users.update(1, { name: 2 });
  });
});
