/**
 * Slices for the worker-thread tests, in JavaScript: a host's worker thread imports this very module, as it is.
 * Every answer names the thread that gave it (`threadId`: 0 is the host's own).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { threadId } from 'node:worker_threads';
import { Database } from '@slicewise/db';
import {
  Command,
  declareEvent,
  declareRequest,
  defineSlice,
  handle,
  handleStream,
  Notification,
  Query,
  StreamRequest,
  subscribe,
  ValidationError,
} from '@slicewise/mediator';

/** A Standard Schema that takes anything (this package does not depend on a schema library). */
const anything = { '~standard': { version: 1, vendor: 'slicewise-test', validate: (value) => ({ value }) } };

/** Input of WriteLines: an object, whose `batch` (lines per transaction) must be a positive number if given. */
const linesInput = {
  '~standard': {
    version: 1,
    vendor: 'slicewise-test',
    validate: (value) =>
      typeof value === 'object' && value !== null && (value.batch === undefined || value.batch > 0)
        ? { value: { batch: 2, ...value } }
        : { issues: [{ message: 'batch must be positive', path: ['batch'] }] },
  },
};

/** A durable event: some lines were written. */
export class LinesWritten extends Notification {
  static event = declareEvent({ type: 'test/LinesWritten', payload: anything });
  constructor(count) {
    super();
    this.count = count;
  }
}

/** Writes the lines of its body, `batch` per transaction with their event, yielding progress after each. */
export class WriteLines extends StreamRequest {
  static declaration = declareRequest({ input: linesInput, permissions: ['lines:write'], meta: { worker: true } });
  constructor(params = {}) {
    super();
    const { body, ...input } = params;
    this.input = input;
    this.body = body;
  }
}

/** Counts the lines written, from the worker thread. */
export class CountLines extends Query {
  static declaration = declareRequest({ meta: { worker: true } });
}

/** Says which thread answers it: declared without `worker`, it stays on the host's. */
export class WhereAmI extends Query {}

/** Waits for its dispatch to be aborted, then records the reason it saw as a line. */
export class AwaitAbort extends Command {
  static declaration = declareRequest({ meta: { worker: true } });
}

/** Ends the thread that runs it, as a crash would. */
export class Crash extends Query {
  static declaration = declareRequest({ meta: { worker: true } });
}

/** Answers something structured cloning cannot copy. */
export class Uncloneable extends Query {
  static declaration = declareRequest({ meta: { worker: true } });
}

class WriteLinesHandler {
  static inject = [Database];
  constructor(db) {
    this.db = db;
  }

  async *handle(request, context) {
    const decoder = new TextDecoder();
    let partial = '';
    let pending = [];
    let written = 0;
    const commit = () => {
      const lines = pending;
      pending = [];
      this.db.atomic(() => {
        for (const text of lines) this.db.execute('INSERT INTO lines (text, thread) VALUES (?, ?)', [text, threadId]);
        void context.publish(new LinesWritten(lines.length));
      });
      written += lines.length;
      return { written, thread: threadId };
    };
    for await (const chunk of request.body) {
      const parts = (partial + (typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }))).split(
        '\n',
      );
      partial = parts.pop();
      for (const text of parts) {
        if (text === 'boom')
          throw new ValidationError('Line boom is not a line', [{ path: ['body'], message: 'boom' }]);
        if (text === 'crash') throw Object.assign(new Error('the disk is on fire'), { code: 'E_TEST' });
        pending.push(text);
        if (pending.length >= context.input.batch) yield commit();
      }
    }
    if (partial !== '') pending.push(partial);
    if (pending.length > 0) yield commit();
  }
}

class CountLinesHandler {
  static inject = [Database];
  constructor(db) {
    this.db = db;
  }
  handle() {
    return { count: this.db.query('SELECT count(*) AS n FROM lines').first().n, thread: threadId };
  }
}

class WhereAmIHandler {
  handle() {
    return threadId;
  }
}

class AwaitAbortHandler {
  static inject = [Database];
  constructor(db) {
    this.db = db;
  }
  handle(_request, context) {
    this.db.execute('INSERT INTO lines (text, thread) VALUES (?, ?)', ['waiting', threadId]);
    return new Promise((resolve) => {
      context.signal.addEventListener('abort', () => {
        const { code, message } = context.signal.reason;
        this.db.execute('INSERT INTO lines (text, thread) VALUES (?, ?)', [`aborted: ${code} ${message}`, threadId]);
        resolve();
      });
    });
  }
}

class CrashHandler {
  async handle() {
    await sleep(10);
    process.exit(3);
  }
}

class UncloneableHandler {
  handle() {
    return { callback: () => undefined };
  }
}

/** Counts the LinesWritten events (exactly once): run by whichever host drives subscriptions. */
class TallyLines {
  static inject = [Database];
  constructor(db) {
    this.db = db;
  }
  handle(deliveries) {
    for (const { event } of deliveries) {
      this.db.execute('INSERT INTO tally (count, thread) VALUES (?, ?)', [event.count, threadId]);
    }
  }
}

export const lines = defineSlice({
  name: 'lines',
  handlers: [
    handleStream(WriteLines, WriteLinesHandler),
    handle(CountLines, CountLinesHandler),
    handle(WhereAmI, WhereAmIHandler),
    handle(AwaitAbort, AwaitAbortHandler),
    handle(Crash, CrashHandler),
    handle(Uncloneable, UncloneableHandler),
  ],
  subscriptions: [subscribe([LinesWritten], TallyLines, { name: 'test/tally-lines' })],
  migrations: [
    {
      name: '001-lines',
      up: `CREATE TABLE lines (id INTEGER PRIMARY KEY, text TEXT NOT NULL, thread INTEGER NOT NULL);
           CREATE TABLE tally (count INTEGER NOT NULL, thread INTEGER NOT NULL);`,
    },
  ],
});

/** Another slice, for a worker whose list differs from its host's. */
export const other = defineSlice({ name: 'other' });

export const slices = [lines];
export const moreSlices = [lines, other];
