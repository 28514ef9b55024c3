// For `pnpm bench:import`: appends N single `UserRegistered` events (and their users) to a database through a host
// that composes the users model only, 10,000 per transaction, as N registrations would. Usage: <db> <N>
import 'reflect-metadata';
import { createHost } from '@slicewise/host';
import { toUserDto, UserRegistered, users } from '@slicewise/users';

const [file, count] = [process.argv[2], Number(process.argv[3])];
const host = createHost({ slices: [users], database: file, events: { drive: false } });
const insert = host.db.prepare('INSERT INTO users (name, email) VALUES (?, ?) RETURNING *');
for (let start = 0; start < count; start += 10_000) {
  host.db.atomic(() => {
    for (let i = start; i < Math.min(count, start + 10_000); i++) {
      const row = insert.get(`Person ${i}`, `person${i}@example.com`);
      void host.mediator.publish(new UserRegistered(toUserDto(row), row.created_at));
    }
  });
}
host.close();
