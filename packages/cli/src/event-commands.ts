import { ValidationError } from '@slicewise/mediator';
import type { CliCommand } from './command-list.js';
import type { Field } from './fields.js';
import { formatCount, writeJson, writeTable } from './output.js';

const none = { args: [], options: [], typed: true } as const;

/** `events status`: every durable subscription in the database, its checkpoint, lag and parked events. */
const eventsStatus: CliCommand = {
  words: ['events', 'status'],
  description: 'List the durable subscriptions: checkpoint, lag, parked events, failing attempts',
  fields: none,
  source: 'host',
  kind: 'host',
  async run(_input, context) {
    const { events } = context.host();
    const rows = events.status();
    if (context.json) {
      writeJson(context.stdout, { position: events.position, subscriptions: rows });
      return 0;
    }
    writeTable(
      context.stdout,
      rows.map((row) => ({
        subscription: row.name,
        position: row.position,
        lag: row.lag,
        parked: row.parked,
        attempts: row.attempts,
        here: row.composed ? 'yes' : 'no',
        'last error': row.lastError ?? '',
      })),
      context.colors,
    );
    context.stdout.write(`Log position ${formatCount(events.position)}.\n`);
    return 0;
  },
};

/** `events parked`: the events subscriptions gave up on, with their errors. */
const eventsParked: CliCommand = {
  words: ['events', 'parked'],
  description: 'List the events subscriptions gave up on after their attempts, with the error',
  fields: none,
  source: 'host',
  kind: 'host',
  async run(_input, context) {
    const parked = context.host().events.parked();
    if (context.json) writeJson(context.stdout, parked);
    else
      writeTable(
        context.stdout,
        parked.map((event) => ({ ...event })),
        context.colors,
        ['id', 'subscription', 'position', 'type', 'attempts', 'error'],
      );
    return 0;
  },
};

const idArgument: Field = { key: 'id', flag: 'id', type: 'integer', required: true, description: 'the parked id' };

/** `events retry <id>`: hands a parked event to its subscription again. */
const eventsRetry: CliCommand = {
  words: ['events', 'retry'],
  description:
    'Hand a parked event to its subscription again (after fixing its cause); it leaves the list once handled',
  fields: { args: [idArgument], options: [], typed: true },
  source: 'host',
  kind: 'host',
  async run(input, context) {
    const id = input.id;
    if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 1) {
      throw new ValidationError(`The parked id must be a whole number of at least 1, got ${JSON.stringify(id)}`, [
        { path: ['id'], message: 'must be a whole number of at least 1' },
      ]);
    }
    await context.host().events.retry(id);
    if (context.json) writeJson(context.stdout, { retried: id });
    else context.stdout.write(`Delivered parked event ${id} again; it is no longer parked.\n`);
    return 0;
  },
};

/** `events catch-up`: brings every subscription this CLI composes up to date now. */
const eventsCatchUp: CliCommand = {
  words: ['events', 'catch-up'],
  description:
    'Bring every durable subscription up to date now (hosts composing them, like the API, do so on their own)',
  fields: none,
  source: 'host',
  kind: 'host',
  async run(_input, context) {
    const { events } = context.host();
    events.catchUp(undefined, 60_000);
    await events.drain(); // at-least-once subscriptions too
    const lag = events.status().reduce((sum, row) => sum + (row.composed ? row.lag : 0), 0);
    if (context.json) writeJson(context.stdout, { lag });
    else context.stdout.write(lag === 0 ? 'Up to date.\n' : `${formatCount(lag)} events still pending.\n`);
    return 0;
  },
};

/** The `events` commands: the durable event log's operations. */
export const eventCommands: readonly CliCommand[] = [eventsStatus, eventsParked, eventsRetry, eventsCatchUp];
