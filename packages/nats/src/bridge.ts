import { type JetStreamClient, jetstream, jetstreamManager, StorageType } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { migrate } from '@slicewise/db';
import { eventLogTables } from '@slicewise/events';
import type { Host } from '@slicewise/host';
import { inboxRetentionOf, type NatsBridgeConfig, selectsAny } from './config.js';
import { Inbound } from './inbound.js';
import { Relay } from './relay.js';
import { natsMigrations, natsSet } from './schema.js';
import { subjectPrefix } from './subjects.js';

/** A host's link to the stream: its relay (when it publishes) and its inbound consumer (when it subscribes). */
export interface NatsBridge {
  /** Resolves once connected, the stream exists and the consumer consumes; the host serves meanwhile. */
  readonly ready: Promise<void>;
  readonly relay: Relay | undefined;
  readonly inbound: Inbound | undefined;
  /** Stops relaying and consuming, then closes the connection. */
  stop(): Promise<void>;
}

const second = 1_000_000_000;

const day = 86_400 * second;

/**
 * Creates the stream (`<prefix>.>`, file storage, a 2-minute duplicate window, events kept `maxAgeDays` or without
 * an age limit) unless it exists: an existing stream keeps its own settings.
 */
export async function ensureStream(
  nc: NatsConnection,
  name: string,
  replicas = 1,
  prefix = subjectPrefix,
  maxAgeDays?: number,
): Promise<void> {
  const jsm = await jetstreamManager(nc);
  try {
    await jsm.streams.info(name);
  } catch {
    try {
      await jsm.streams.add({
        name,
        subjects: [`${prefix}.>`],
        storage: StorageType.File,
        duplicate_window: 120 * second,
        num_replicas: replicas,
        ...(maxAgeDays !== undefined && { max_age: Math.round(maxAgeDays * day) }),
      });
    } catch (error) {
      await jsm.streams.info(name).catch(() => Promise.reject(error)); // another host created it meanwhile
    }
  }
}

/**
 * Joins a host to the scale-out: relays the event types it publishes to the JetStream stream and feeds the types
 * it subscribes to into its log, where its subscriptions handle them like local events. Returns at once; the
 * connection is made (and remade after an outage) in the background, so the host never waits for the broker.
 *
 * @example
 * const config = natsConfigFromEnv();
 * if (config) startNatsBridge(host, config);
 */
export function startNatsBridge(host: Host, config: NatsBridgeConfig): NatsBridge {
  const { db } = host;
  const stream = config.stream ?? 'SLICEWISE';
  const inboxRetentionDays = inboxRetentionOf(config);
  const onError = config.onError ?? (() => {});
  migrate(db, natsSet, natsMigrations);
  const logId = db.prepare(`SELECT value FROM ${eventLogTables.meta} WHERE key = 'log_id'`, true).get() as string;
  let js: JetStreamClient | undefined;
  const client = () => {
    if (!js) throw new Error('Not connected to NATS yet');
    return js;
  };
  const relay = selectsAny(config.publish)
    ? new Relay({
        db,
        js: client,
        publish: config.publish ?? [],
        subjectPrefix: config.subjectPrefix ?? subjectPrefix,
        batch: config.batch ?? 500,
        pollMs: config.pollMs ?? 25,
        onError: (error) => onError(error, 'relay'),
      })
    : undefined;
  const inbound = selectsAny(config.subscribe)
    ? new Inbound({
        db,
        js: client,
        stream,
        durable: config.durable ?? `slicewise-${logId}`,
        subscribe: config.subscribe ?? [],
        ackWaitSeconds: config.ackWaitSeconds ?? 10,
        inboxRetentionDays,
        logId,
        appended: () => void host.events.drain(),
        onError: (error) => onError(error, 'inbound'),
      })
    : undefined;

  let stopped = false;
  let nc: NatsConnection | undefined;
  const ready = (async () => {
    for (let attempt = 1; !stopped; attempt++) {
      try {
        nc = await connect({ servers: config.url.split(','), maxReconnectAttempts: -1, reconnectTimeWait: 250 });
        if (stopped) break;
        await ensureStream(nc, stream, config.replicas, config.subjectPrefix, config.maxAgeDays);
        js = jetstream(nc);
        relay?.start();
        await inbound?.start();
        return;
      } catch (error) {
        onError(error, 'connect');
        await nc?.close().catch(() => {});
        nc = undefined;
        await new Promise((resolve) => setTimeout(resolve, Math.min(100 * 2 ** attempt, 2000)));
      }
    }
  })();

  return {
    ready,
    relay,
    inbound,
    async stop() {
      stopped = true;
      await relay?.stop();
      await inbound?.stop();
      await nc?.drain().catch(() => nc?.close());
    },
  };
}
