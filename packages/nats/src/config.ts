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
   * Days an id stays in `_slicewise_inbox` (pruned every 10 minutes). A copy of an event arriving later than that
   * (only a republish after the stream's duplicate window, or a consumer reset) would be applied again. Default 7.
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

/**
 * The bridge configuration from `SLICEWISE_NATS_URL`, `SLICEWISE_NATS_STREAM`, `SLICEWISE_NATS_PUBLISH` and
 * `SLICEWISE_NATS_SUBSCRIBE`, or `undefined` when the URL is not set (the host stays on its own, with no NATS).
 */
export function natsConfigFromEnv(env: NodeJS.ProcessEnv = process.env): NatsBridgeConfig | undefined {
  const url = env.SLICEWISE_NATS_URL?.trim();
  if (!url) return undefined;
  const stream = env.SLICEWISE_NATS_STREAM?.trim() || 'SLICEWISE';
  if (!/^[A-Za-z0-9_-]+$/.test(stream)) {
    const message = `SLICEWISE_NATS_STREAM must be letters, digits, _ or -: got ${stream}`;
    throw new ValidationError(message, [{ path: ['SLICEWISE_NATS_STREAM'], message }]);
  }
  return {
    url,
    stream,
    publish: parseSelection(env.SLICEWISE_NATS_PUBLISH),
    subscribe: parseSelection(env.SLICEWISE_NATS_SUBSCRIBE),
  };
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
