import { AckPolicy, type ConsumerMessages, DeliverPolicy, type JetStreamClient, type JsMsg } from '@nats-io/jetstream';
import type { Database } from '@slicewise/db';
import { eventLogTables } from '@slicewise/events';
import { type EventSelection, selects } from './config.js';
import { inboxTable } from './schema.js';
import { eventHeaders } from './subjects.js';

/** How long one pull request of the consumer waits for messages (the heartbeats come every half of it). */
const pullExpiresMs = 5_000;

const { events } = eventLogTables;

/** What the inbound side needs: the host's database, a JetStream client, the stream, and which types arrive. */
export interface InboundOptions {
  readonly db: Database;
  readonly js: () => JetStreamClient;
  readonly stream: string;
  readonly durable: string;
  readonly subscribe: EventSelection;
  readonly ackWaitSeconds: number;
  readonly logId: string;
  /** Days an inbox id is kept; a copy of an event arriving later would be applied again. */
  readonly inboxRetentionDays: number;
  /** Called after a commit that appended events, so the log drives its subscriptions. */
  readonly appended: () => void;
  readonly onError: (error: unknown) => void;
}

const maxBatch = 500;

/**
 * Feeds remote events into the local log through a durable JetStream consumer: each message is appended as an
 * event whose `source_id` is its global id, and that id is written to `_slicewise_inbox` in the same transaction;
 * a message whose id is already there is only acknowledged. Acks go out after the commit, so a crash between the
 * two redelivers a message the inbox then skips: the effect in this database happens once.
 */
export class Inbound {
  readonly #options: InboundOptions;
  #messages: ConsumerMessages | undefined;
  #buffer: JsMsg[] = [];
  #flushScheduled = false;
  #stopped = false;
  #received = 0;
  #applied = 0;
  #pruneTimer: NodeJS.Timeout | undefined;

  constructor(options: InboundOptions) {
    this.#options = options;
  }

  /** Messages taken from the stream, and events appended to the log (the rest were redeliveries or not selected). */
  get counts(): { received: number; applied: number } {
    return { received: this.#received, applied: this.#applied };
  }

  /** Creates the durable consumer when it does not exist, then consumes; resolves once consuming. */
  async start(): Promise<void> {
    const { stream, durable, ackWaitSeconds } = this.#options;
    const js = this.#options.js();
    const jsm = await js.jetstreamManager();
    try {
      await jsm.consumers.info(stream, durable);
    } catch {
      await jsm.consumers.add(stream, {
        durable_name: durable,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
        ack_wait: ackWaitSeconds * 1_000_000_000,
        max_ack_pending: 20_000,
      });
    }
    const consumer = await js.consumers.get(stream, durable);
    if (this.#stopped) return;
    this.prune();
    this.#pruneTimer ??= setInterval(() => this.prune(), 600_000).unref();
    this.#messages = await consumer.consume({
      max_messages: 1000,
      // Each pull lasts 5 s, with a heartbeat every 2.5 s: a pull lost with its server (a cluster node killed, a
      // consumer leader moved) is noticed after two missed heartbeats and made again on another node. With the
      // client's default of 30 s, the reader stalled for about 38 s after kill -9 of the consumer's leader.
      expires: pullExpiresMs,
      callback: (message) => this.#take(message),
    });
  }

  /** Deletes inbox ids older than the retention; returns how many. */
  prune(now = Date.now()): number {
    const before = now - this.#options.inboxRetentionDays * 86_400_000;
    try {
      return this.#options.db.prepare(`DELETE FROM ${inboxTable} WHERE received_at < ?`).run(before).changes;
    } catch (error) {
      this.#options.onError(error); // busy: the next round prunes
      return 0;
    }
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#pruneTimer);
    await this.#messages?.close();
    this.#flush();
  }

  #take(message: JsMsg): void {
    this.#received++;
    this.#buffer.push(message);
    if (this.#buffer.length >= maxBatch) this.#flush();
    else if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      setImmediate(() => this.#flush());
    }
  }

  /** Appends the buffered messages in one transaction, then acknowledges them. */
  #flush(): void {
    this.#flushScheduled = false;
    const batch = this.#buffer;
    if (batch.length === 0) return;
    this.#buffer = [];
    let appended: number;
    try {
      appended = this.#options.db.atomic(() => batch.reduce((count, message) => count + this.#record(message), 0));
    } catch (error) {
      // Nothing committed: no ack, so JetStream redelivers them after the ack wait.
      for (const message of batch) message.nak(1000);
      this.#options.onError(error);
      return;
    }
    for (const message of batch) message.ack();
    this.#applied += appended;
    if (appended > 0) this.#options.appended();
  }

  /** Inside the transaction: appends one message as an event unless it was recorded before; returns 1 if appended. */
  #record(message: JsMsg): number {
    const { db, subscribe, logId } = this.#options;
    const id = message.headers?.get(eventHeaders.id) ?? '';
    const type = message.headers?.get(eventHeaders.type) ?? '';
    // Our own events come back when this host also subscribes to types it publishes: they are in the log already.
    if (id === '' || id.startsWith(`${logId}:`) || !selects(subscribe, type)) return 0;
    const now = Date.now();
    const inbox = db.prepare(`INSERT INTO ${inboxTable} (id, received_at) VALUES (?, ?) ON CONFLICT DO NOTHING`);
    if (inbox.run(id, now).changes === 0) return 0;
    const version = Number(message.headers?.get(eventHeaders.version) || 1);
    const occurredAt = Number(message.headers?.get(eventHeaders.occurredAt) || now);
    const correlationId = message.headers?.get(eventHeaders.correlationId) || null;
    db.prepare(
      `INSERT INTO ${events} (type, version, payload, occurred_at, correlation_id, source_id) VALUES (?, ?, ?, ?, ?, ?)`,
    ).run(type, version, message.string(), occurredAt, correlationId, id);
    return 1;
  }
}
