// An autocannon-style load client for latency under many connections: `connections` keep-alive connections,
// each sending one request after another for `seconds`, every response timed. A request unanswered after
// `timeoutMs` counts as a time-out and its connection is replaced. The first request on each connection is
// reported apart: it pays for the connection (accept queue, handshake), which is where waits hid.
import http from "node:http";

/** One load run: the same request on every connection. */
export interface LatencyJob {
  url: string;
  method: "GET" | "PUT" | "POST";
  headers: Record<string, string>;
  body?: string;
  connections: number;
  seconds: number;
  timeoutMs: number;
}

/** What a load run measured; latencies in ms. */
export interface LatencyResult {
  requests: number;
  timeouts: number;
  errors: number;
  seconds: number;
  p50: number;
  p99: number;
  max: number;
  /** p99 and max of the first request on each connection. */
  firstP99: number;
  firstMax: number;
}

function percentile(sorted: Float64Array, fraction: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] ?? 0;
}

/** Runs `job` and returns its figures (loopback only: the caller passes a 127.0.0.1 URL). */
export async function runLatencyLoad(job: LatencyJob): Promise<LatencyResult> {
  const latencies: number[] = [];
  const firsts: number[] = [];
  let timeouts = 0;
  let errors = 0;
  const began = performance.now();
  const deadline = began + job.seconds * 1000;

  /** One connection's loop; a time-out or error replaces the connection, as autocannon does. */
  const connection = async (): Promise<void> => {
    while (performance.now() < deadline) {
      // maxSockets 1: every request of this loop reuses the one keep-alive connection.
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      let first = true;
      let healthy = true;
      while (healthy && performance.now() < deadline) {
        const outcome = await new Promise<"ok" | "timeout" | "error">((resolve) => {
          const start = performance.now();
          const request = http.request(
            job.url,
            { method: job.method, agent, headers: job.headers },
            (response) => {
              response.resume();
              response.on("end", () => {
                const elapsed = performance.now() - start;
                latencies.push(elapsed);
                if (first) firsts.push(elapsed);
                resolve(response.statusCode === 200 ? "ok" : "error");
              });
              response.on("error", () => resolve("error"));
            },
          );
          request.setTimeout(job.timeoutMs, () => {
            request.destroy();
            resolve("timeout");
          });
          request.on("error", () => resolve("error"));
          request.end(job.body);
        });
        first = false;
        if (outcome === "timeout") timeouts += 1;
        if (outcome === "error") errors += 1;
        healthy = outcome === "ok";
      }
      agent.destroy();
    }
  };
  await Promise.all(Array.from({ length: job.connections }, connection));
  const sorted = Float64Array.from(latencies).sort();
  const sortedFirst = Float64Array.from(firsts).sort();
  return {
    requests: latencies.length,
    timeouts,
    errors,
    seconds: (performance.now() - began) / 1000,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    max: sorted[sorted.length - 1] ?? 0,
    firstP99: percentile(sortedFirst, 0.99),
    firstMax: sortedFirst[sortedFirst.length - 1] ?? 0,
  };
}
