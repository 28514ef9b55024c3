import type { Database } from '@slicewise/db';
import { type DispatchRecording, type Publisher, recordDispatches, type Sender } from '@slicewise/mediator';
import { createHost, type Host, type HostOptions } from './create-host.js';

/** Options of {@link createTestHost}: those of a host, with an in-memory database unless one is given. */
export type TestHostOptions = Omit<HostOptions, 'database' | 'databaseOptions'> & { database?: Database };

/** A host for slice tests: dispatch directly, inspect the database and what was sent and published. */
export interface TestHost extends Host, DispatchRecording {
  readonly send: Sender['send'];
  readonly stream: Sender['stream'];
  readonly publish: Publisher['publish'];
}

/**
 * Composes slices over a fresh in-memory database (migrated) and records every dispatch, so a slice test is
 * arrange (send other slices' requests), act (send), assert (response, rows, `sent`, `published`).
 *
 * @example
 * const app = createTestHost({ slices: [registerUser] });
 * await app.send(new RegisterUser({ name: 'Ada', email: 'ada@example.com' }));
 * expect(app.db.table('users').countWhere()).toBe(1);
 * expect(app.published).toEqual([expect.any(UserRegistered)]);
 */
export function createTestHost(options: TestHostOptions): TestHost {
  const host = createHost({ ...options, database: options.database ?? ':memory:' });
  const recording = recordDispatches(host.mediator);
  const { mediator } = host;
  return {
    ...host,
    ...recording,
    send: (request, dispatch) => mediator.send(request, dispatch),
    stream: (request, dispatch) => mediator.stream(request, dispatch),
    publish: (notification, dispatch) => mediator.publish(notification, dispatch),
    close() {
      recording.stop();
      host.close();
    },
  };
}
