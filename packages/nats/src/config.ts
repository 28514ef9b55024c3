import { ValidationError } from '@slicewise/errors';

/** Which event types a bridge relays out or takes in: a list of type names, or every type. */
export type EventSelection = readonly string[] | '*';

/** How a host joins the scale-out: the server, the stream, and which event types leave and arrive. */
export interface NatsBridgeConfig {
  /** The NATS server(s), e.g. `nats://127.0.0.1:4222` (comma list for a cluster). */
  readonly url: string;
  /** The JetStream stream every host shares. Default `SLICEWISE`. */
  readonly stream?: string;
  /** The first subject token; the stream takes `<prefix>.>`. Default `slicewise` (another one per stream). */
  readonly subjectPrefix?: string;
  /** Event types this host relays to the stream (its own appends only). Default: none. */
  readonly publish?: EventSelection;
  /** Event types this host takes from the stream into its log. Default: none. */
  readonly subscribe?: EventSelection;
  /** The durable consumer's name. Default `slicewise-<log id>`: one per host database. */
  readonly durable?: string;
  /** Stream replicas when the bridge creates the stream (3 on a 3-node cluster). Default 1. */
  readonly replicas?: number;
  /** How often the relay looks for new events, in ms. Default 25. */
  readonly pollMs?: number;
  /** Most events the relay publishes before it moves its checkpoint. Default 500. */
  readonly batch?: number;
  /** Seconds JetStream waits for an ack before redelivering to this host. Default 10. */
  readonly ackWaitSeconds?: number;
  /**
   * Days the stream keeps an event, set when the bridge creates the stream (an existing stream keeps its own
   * limits). A host that stays away longer than that misses the events removed meanwhile. Default: no limit, as
   * JetStream's, so the stream grows until it is given one.
   */
  readonly maxAgeDays?: number;
  /**
   * Days an id stays in `_slicewise_inbox` (pruned every 10 minutes). A copy of an event arriving later than that
   * (only a republish after the stream's duplicate window, or a consumer reset) would be applied again. Default 7,
   * or `maxAgeDays` when that is longer: then no event the stream can still deliver has lost its id here.
   */
  readonly inboxRetentionDays?: number;
  /** Told of every failure the bridge retries (lost connection, refused publish…). Default: nothing. */
  readonly onError?: (error: unknown, where: 'relay' | 'inbound' | 'connect') => void;
}

/** Parses `*`, or a comma list of event type names. */
export function parseSelection(text: string | undefined): EventSelection {
  const trimmed = text?.trim() ?? '';
  if (trimmed === '*') return '*';
  return trimmed
    .split(',')
    .map((type) => type.trim())
    .filter((type) => type !== '');
}

const invalid = (variable: string, message: string) =>
  new ValidationError(`${variable} ${message}`, [{ path: [variable], message }]);

/** A number of days, 1 to 3650, or undefined when not set. */
function days(variable: string, text: string | undefined): number | undefined {
  const trimmed = text?.trim() ?? '';
  if (trimmed === '') return undefined;
  if (!/^[1-9][0-9]{0,3}$/.test(trimmed) || Number(trimmed) > 3650) {
    throw invalid(variable, `must be a whole number of days from 1 to 3650: got ${trimmed}`);
  }
  return Number(trimmed);
}

/**
 * The bridge configuration from `SLICEWISE_NATS_URL`, `SLICEWISE_NATS_STREAM`, `SLICEWISE_NATS_PUBLISH`,
 * `SLICEWISE_NATS_SUBSCRIBE` and `SLICEWISE_NATS_MAX_AGE_DAYS`, or `undefined` when the URL is not set (the host
 * stays on its own, with no NATS).
 */
export function natsConfigFromEnv(env: NodeJS.ProcessEnv = process.env): NatsBridgeConfig | undefined {
  const url = env.SLICEWISE_NATS_URL?.trim();
  if (!url) return undefined;
  const stream = env.SLICEWISE_NATS_STREAM?.trim() || 'SLICEWISE';
  if (!/^[A-Za-z0-9_-]+$/.test(stream)) {
    throw invalid('SLICEWISE_NATS_STREAM', `must be letters, digits, _ or -: got ${stream}`);
  }
  const maxAgeDays = days('SLICEWISE_NATS_MAX_AGE_DAYS', env.SLICEWISE_NATS_MAX_AGE_DAYS);
  return {
    url,
    stream,
    publish: parseSelection(env.SLICEWISE_NATS_PUBLISH),
    subscribe: parseSelection(env.SLICEWISE_NATS_SUBSCRIBE),
    ...(maxAgeDays !== undefined && { maxAgeDays }),
  };
}

/**
 * How long inbox ids are kept: the configured days, or 7, or the stream's age limit when that is longer. Throws
 * when both are set and the inbox would forget ids of events the stream can still deliver.
 */
export function inboxRetentionOf(config: Pick<NatsBridgeConfig, 'maxAgeDays' | 'inboxRetentionDays'>): number {
  const { maxAgeDays, inboxRetentionDays } = config;
  for (const [name, value] of Object.entries({ maxAgeDays, inboxRetentionDays })) {
    if (value !== undefined && !(Number.isFinite(value) && value > 0)) {
      throw invalid(name, `must be a positive number of days: got ${value}`);
    }
  }
  if (inboxRetentionDays === undefined) return Math.max(7, maxAgeDays ?? 0);
  if (maxAgeDays !== undefined && inboxRetentionDays < maxAgeDays) {
    throw invalid(
      'inboxRetentionDays',
      `(${inboxRetentionDays}) must be at least maxAgeDays (${maxAgeDays}): an event the stream delivers again after its id was pruned would be applied twice`,
    );
  }
  return inboxRetentionDays;
}

/** Whether a selection takes `type`. */
export function selects(selection: EventSelection | undefined, type: string): boolean {
  if (selection === undefined) return false;
  return selection === '*' || selection.includes(type);
}

/** Whether a selection takes anything at all. */
export function selectsAny(selection: EventSelection | undefined): boolean {
  return selection === '*' || (selection !== undefined && selection.length > 0);
}
