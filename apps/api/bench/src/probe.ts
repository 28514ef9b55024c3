/**
 * A reader as a process of its own, for the import probe: `node probe.js <base> <intervalMs>` sends
 * `GET /users/{id}` (ids 1..10,000 in turn) every `intervalMs`, whether or not earlier requests have been
 * answered, so a stalled server shows as the wait of every request it held rather than one slow request. Prints
 * `ready` after a first answer; on SIGTERM it stops sending, waits for the answers still due (at most 10 s) and
 * prints one JSON line: `{ count, p50, p99, max, errors }` (ms).
 */
import { Agent, request } from 'node:http';
import { hundredths, percentile } from './stats.js';

const [base = '', intervalText = '10'] = process.argv.slice(2);
const agent = new Agent({ keepAlive: true, maxSockets: 64 });
const latencies: number[] = [];
const errors: string[] = [];
let inFlight = 0;
let next = 0;

function get(): Promise<number> {
  next = (next % 10_000) + 1;
  inFlight++;
  return new Promise<number>((resolve, reject) => {
    const started = performance.now();
    const outgoing = request(`${base}/users/${next}`, { agent, timeout: 30_000 }, (response) => {
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
  }).finally(() => inFlight--);
}

function sendOne(): void {
  get().then(
    (latency) => latencies.push(latency),
    (error: unknown) => errors.push((error as Error).message),
  );
}

await get();
process.stdout.write('ready\n');
const timer = setInterval(sendOne, Number(intervalText));

process.once('SIGTERM', async () => {
  clearInterval(timer);
  const until = Date.now() + 10_000;
  while (inFlight > 0 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 10));
  agent.destroy();
  const sorted = Float64Array.from(latencies).sort();
  process.stdout.write(
    `${JSON.stringify({
      count: sorted.length,
      p50: hundredths(percentile(sorted, 0.5)),
      p99: hundredths(percentile(sorted, 0.99)),
      max: hundredths(sorted.at(-1) ?? Number.NaN),
      errors: errors.length + inFlight,
      firstError: errors[0],
    })}\n`,
  );
  process.exit(0);
});
