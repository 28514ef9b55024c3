import 'reflect-metadata';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, headers } from '@nats-io/transport-node';
import { createHost } from '@slicewise/host';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type NatsBridge, startNatsBridge } from './bridge.js';
import { counted, eventually, NoteWritten, readerSlice, writeNotes, writerSlice } from './fixture.test-util.js';
import { type LocalNatsServer, startNatsServer } from './nats-server.js';
import { inboxTable } from './schema.js';
import { eventHeaders, subjectOf } from './subjects.js';

let server: LocalNatsServer;
const bridges: NatsBridge[] = [];
beforeAll(async () => {
  server = await startNatsServer();
});
afterAll(async () => {
  await Promise.all(bridges.splice(0).map((bridge) => bridge.stop()));
  await server?.stop();
});

const type = NoteWritten.event.type;
let streams = 0;
const bridged = (
  host: ReturnType<typeof createHost>,
  options: { publish?: '*' | string[]; subscribe?: '*' | string[]; maxAgeDays?: number },
  stream: string,
) => {
  const bridge = startNatsBridge(host, { url: server.url, stream, subjectPrefix: stream.toLowerCase(), ...options });
  bridges.push(bridge);
  return bridge;
};

describe('relay and inbound over a real nats-server', () => {
  it('carries a writer host’s events into a reader host’s subscription, each once', async () => {
    const stream = `NOTES${++streams}`;
    const writer = createHost({ slices: [writerSlice] });
    const reader = createHost({ slices: [readerSlice], events: { pollMs: 20 } });
    await writeNotes(writer, 1, 30); // written before the bridge: the relay starts at the log's beginning
    const out = bridged(writer, { publish: [type] }, stream);
    const into = bridged(reader, { subscribe: [type] }, stream);
    await Promise.all([out.ready, into.ready]);
    await writeNotes(writer, 31, 60);

    expect(await eventually(() => counted(reader.db).length === 60)).toBe(true);
    expect(counted(reader.db)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    expect(out.relay?.position).toBe(writer.events.position);
    // The log reports the relay like a subscription: its position and lag (`events status`, `/readyz`).
    expect(writer.events.status().find((row) => row.name === '@slicewise/nats/relay')).toMatchObject({
      lag: 0,
      position: 60,
    });
    expect(reader.db.query('SELECT count(*) AS n FROM _slicewise_events WHERE source_id IS NOT NULL').first()).toEqual({
      n: 60,
    });
  });

  it('applies a message redelivered or published twice once, and never relays an event that came in', async () => {
    const stream = `NOTES${++streams}`;
    const reader = createHost({ slices: [readerSlice], events: { pollMs: 20 } });
    // The reader relays '*' too: the remote events in its log must not go back out.
    const into = bridged(reader, { subscribe: [type], publish: '*' }, stream);
    await into.ready;
    const nc = await connect({ servers: server.url });
    const js = jetstream(nc);
    const send = (id: string, note: number) => {
      const h = headers();
      h.set(eventHeaders.type, type);
      h.set(eventHeaders.version, '1');
      // No Nats-Msg-Id: the stream keeps both copies, as it does for a republish after its duplicate window.
      h.set(eventHeaders.id, id);
      return js.publish(subjectOf(type, stream.toLowerCase()), JSON.stringify({ id: note, text: 'x' }), { headers: h });
    };
    await send('remote:1', 1);
    await send('remote:2', 2);
    await send('remote:1', 1);
    await send('remote:3', 3);

    expect(await eventually(() => counted(reader.db).length === 3)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(counted(reader.db)).toEqual([1, 2, 3]);
    expect(reader.db.query(`SELECT count(*) AS n FROM ${inboxTable}`).first()).toEqual({ n: 3 });
    expect(into.inbound?.prune()).toBe(0); // all within the retention
    expect(into.inbound?.prune(Date.now() + 8 * 86_400_000)).toBe(3);
    expect(into.relay?.published).toBe(0);
    expect(
      reader.db.query("SELECT types FROM _slicewise_subscriptions WHERE name = '@slicewise/nats/relay'").first(),
    ).toEqual({ types: '[]' });
    expect(into.relay?.position).toBe(reader.events.position);
    const info = await (await jetstreamManager(nc)).streams.info(stream);
    expect(info.state.messages).toBe(4); // the four sent, nothing relayed back
    await nc.close();
  });

  it('publishes a batch again after a restart without duplicates in the stream', async () => {
    const stream = `NOTES${++streams}`;
    const writer = createHost({ slices: [writerSlice] });
    await writeNotes(writer, 1, 20);
    const first = bridged(writer, { publish: '*' }, stream);
    await first.ready;
    expect(await eventually(() => first.relay?.position === writer.events.position)).toBe(true);
    await first.stop();
    // A relay that crashed after JetStream acked but before its checkpoint moved: the checkpoint is back at 0.
    writer.db.execute("UPDATE _slicewise_subscriptions SET position = 0 WHERE name = '@slicewise/nats/relay'");
    expect(writer.events.status().find((row) => row.name === '@slicewise/nats/relay')?.lag).toBe(20);
    const second = bridged(writer, { publish: [type] }, stream);
    await second.ready;
    expect(await eventually(() => second.relay?.position === writer.events.position)).toBe(true);

    const nc = await connect({ servers: server.url });
    const info = await (await jetstreamManager(nc)).streams.info(stream);
    expect(second.relay?.published).toBe(20); // acknowledged again, as duplicates
    expect(info.state.messages).toBe(20);
    await nc.close();
  });

  it('creates the stream with the age limit it is given, and keeps inbox ids as long', async () => {
    const stream = `NOTES${++streams}`;
    const reader = createHost({ slices: [readerSlice], events: { pollMs: 20 } });
    const bridge = bridged(reader, { subscribe: [type], maxAgeDays: 30 }, stream);
    await bridge.ready;

    const nc = await connect({ servers: server.url });
    const { config } = await (await jetstreamManager(nc)).streams.info(stream);
    await nc.close();
    expect(config.max_age).toBe(30 * 86_400 * 1e9); // nanoseconds
    // An id received 10 days ago outlives the 7-day default: the stream may still deliver its event again.
    const day = 86_400_000;
    reader.db.execute(`INSERT INTO ${inboxTable} (id, received_at) VALUES ('old', ?), ('older', ?)`, [
      Date.now() - 10 * day,
      Date.now() - 31 * day,
    ]);
    expect(bridge.inbound?.prune()).toBe(1);
    expect(reader.db.query(`SELECT id FROM ${inboxTable}`).all()).toEqual([{ id: 'old' }]);
  });

  it('creates a stream without an age limit by default', async () => {
    const stream = `NOTES${++streams}`;
    const bridge = bridged(createHost({ slices: [writerSlice] }), { publish: '*' }, stream);
    await bridge.ready;

    const nc = await connect({ servers: server.url });
    const { config } = await (await jetstreamManager(nc)).streams.info(stream);
    await nc.close();
    expect(config.max_age).toBe(0);
  });
});
