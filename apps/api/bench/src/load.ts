/** The load generator, run as its own process: autocannon against one URL, results as one JSON line. */
import autocannon from 'autocannon';

const [url, route, connections, duration] = process.argv.slice(2) as [string, string, string, string];
let next = 0;

const result = await autocannon({
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
});
process.stdout.write(
  `${JSON.stringify({
    requestsPerSecond: result.requests.average,
    p99: result.latency.p99,
    p50: result.latency.p50,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    total: result.requests.total,
  })}\n`,
);
