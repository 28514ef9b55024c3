import 'reflect-metadata';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { createHost } from '@slicewise/host';
import { afterAll, describe, expect, it } from 'vitest';
import { type NatsBridge, startNatsBridge } from './bridge.js';
import { counted, eventually, NoteWritten, readerSlice, writeNotes, writerSlice } from './fixture.test-util.js';
import { freePort, type LocalNatsServer, startNatsServer } from './nats-server.js';

const servers: LocalNatsServer[] = [];
const bridges: NatsBridge[] = [];
afterAll(async () => {
  await Promise.all(bridges.splice(0).map((bridge) => bridge.stop()));
  await Promise.all(servers.splice(0).map((server) => server.stop()));
});

/** Three nats-server processes routed into one JetStream cluster on 127.0.0.1. */
async function cluster(): Promise<LocalNatsServer[]> {
  const routes = [await freePort(), await freePort(), await freePort()];
  const started = await Promise.all(
    routes.map((route, i) =>
      startNatsServer({
        args: [
          '--server_name',
          `n${i + 1}`,
          '--cluster_name',
          'slicewise-test',
          '--cluster',
          `nats://127.0.0.1:${route}`,
          '--routes',
          routes.map((port) => `nats://127.0.0.1:${port}`).join(','),
        ],
      }),
    ),
  );
  servers.push(...started);
  return started;
}

describe('a 3-node JetStream cluster with an R3 stream', () => {
  it('keeps carrying events to the reader after kill -9 of the stream leader', { timeout: 90_000 }, async () => {
    const nodes = await cluster();
    const url = nodes.map((node) => node.url).join(',');
    const type = NoteWritten.event.type;
    const writer = createHost({ slices: [writerSlice] });
    const reader = createHost({ slices: [readerSlice], events: { pollMs: 20 } });
    const out = startNatsBridge(writer, { url, stream: 'R3', publish: [type], replicas: 3 });
    const into = startNatsBridge(reader, { url, stream: 'R3', subscribe: [type], replicas: 3 });
    bridges.push(out, into);
    await Promise.all([out.ready, into.ready]);
    await writeNotes(writer, 1, 100);
    expect(await eventually(() => counted(reader.db).length === 100, 30_000)).toBe(true);

    // Kill the stream's leader: the two others elect a new one and keep the stream.
    const admin = await connect({ servers: url });
    const leader = (await (await jetstreamManager(admin)).streams.info('R3')).cluster?.leader ?? '';
    await admin.close();
    expect(leader).toMatch(/^n[123]$/);
    const leaderIndex = Number(leader.slice(1)) - 1;
    await nodes[leaderIndex]?.kill();
    await writeNotes(writer, 101, 200);

    expect(await eventually(() => counted(reader.db).length === 200, 45_000)).toBe(true);
    expect(counted(reader.db)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    const nc = await connect({ servers: nodes.filter((_, i) => i !== leaderIndex).map((node) => node.url) });
    const info = await (await jetstreamManager(nc)).streams.info('R3');
    expect(info.config.num_replicas).toBe(3);
    expect(info.state.messages).toBe(200);
    await nc.close();
  });
});
