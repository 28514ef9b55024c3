const firstNames = ['Ada', 'Alan', 'Grace', 'Edsger', 'Barbara', 'Donald', 'Frances', 'Ken', 'Radia', 'Linus'];
const lastNames = ['Lovelace', 'Turing', 'Hopper', 'Dijkstra', 'Liskov', 'Knuth', 'Allen', 'Thompson', 'Perlman'];

/** A demo user: the same `index` always gives the same user; every fourth one is inactive. */
export interface DemoUser {
  name: string;
  email: string;
  active: number;
}

/** The first `count` demo users. */
export function* demoUsers(count: number): Generator<DemoUser> {
  for (let i = 0; i < count; i++) {
    const first = firstNames[i % firstNames.length] as string;
    const last = lastNames[(i + Math.floor(i / firstNames.length)) % lastNames.length] as string;
    yield {
      name: `${first} ${last}`,
      email: `${first}.${last}.${i + 1}@example.com`.toLowerCase(),
      active: i % 4 === 3 ? 0 : 1,
    };
  }
}
