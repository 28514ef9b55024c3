/**
 * The load generator, run as its own process: autocannon against one URL, results as one JSON line. Latency
 * percentiles come from every 2xx response's own duration (autocannon's histogram keeps whole milliseconds, too
 * coarse for routes answered in one or two).
 */
import autocannon from 'autocannon';

const [url, route, connections, duration] = process.argv.slice(2) as [string, string, string, string];
let next = 0;
let latencies = new Float64Array(1 << 16);
let count = 0;

function percentile(sorted: Float64Array, fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] ?? Number.NaN;
}

const result = await new Promise<autocannon.Result>((resolve, reject) => {
  const instance = autocannon(
    {
      url,
      connections: Number(connections),
      duration: Number(duration),
      requests: [
        {
          method: 'GET',
          setupRequest: (request) => {
            next = (next % 10_000) + 1;
            return { ...request, path: route === 'get' ? `/users/${next}` : '/users?active=true&limit=50' };
          },
        },
      ],
    },
    (error, finished) => (error ? reject(error) : resolve(finished)),
  );
  instance.on('response', (_client, statusCode, _bytes, responseTime) => {
    if (statusCode < 200 || statusCode > 299) return;
    if (count === latencies.length) {
      const grown = new Float64Array(latencies.length * 2);
      grown.set(latencies);
      latencies = grown;
    }
    latencies[count++] = responseTime;
  });
});
const sorted = latencies.subarray(0, count).sort();
const round = (ms: number) => Math.round(ms * 100) / 100;
process.stdout.write(
  `${JSON.stringify({
    requestsPerSecond: result.requests.average,
    p99: round(percentile(sorted, 0.99)),
    p50: round(percentile(sorted, 0.5)),
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    total: result.requests.total,
  })}\n`,
);
