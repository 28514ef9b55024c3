/**
 * A well-behaved client as a process of its own, so that its latencies are not those of the test process that
 * opens the attack: `node probe.js <url> <durationMs> [pauseMs]` sends `GET url` on one keep-alive connection, one
 * request after another with `pauseMs` between them, prints `open` once its connection is open, and at the end
 * one JSON line: `{ latencies, errors }`.
 */
import { Agent, request } from 'node:http';

const [url = '', durationText = '3000', pauseText = '20'] = process.argv.slice(2);
const agent = new Agent({ keepAlive: true, maxSockets: 1 });

function once(): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const outgoing = request(url, { agent, timeout: 10_000 }, (response) => {
      response.resume();
      response.on('end', () =>
        response.statusCode === 200
          ? resolve(performance.now() - started)
          : reject(new Error(`status ${response.statusCode}`)),
      );
    });
    outgoing.on('timeout', () => outgoing.destroy(new Error('timed out')));
    outgoing.on('error', reject);
    outgoing.end();
  });
}

const latencies: number[] = [];
const errors: string[] = [];
await once();
process.stdout.write('open\n');
const until = performance.now() + Number(durationText);
while (performance.now() < until) {
  try {
    latencies.push(await once());
  } catch (error) {
    errors.push((error as Error).message);
  }
  await new Promise((resolve) => setTimeout(resolve, Number(pauseText)));
}
agent.destroy();
process.stdout.write(`${JSON.stringify({ latencies, errors })}\n`);
