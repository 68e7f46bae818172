// The images' HEALTHCHECK for the mock service: GET its /health and exit 0 only on a 2xx answer within
// five seconds. Run as `node healthcheck.ts <url>`; the HTTPS certificate is the mock's own (its CA lives
// in its data folder), and this probe only asks whether the process on this container's port is ready.
import { Agent, fetch } from "undici";

const url = process.argv[2] ?? "http://127.0.0.1:8080/health";
const dispatcher = new Agent({ connect: { rejectUnauthorized: false } });
try {
  const response = await fetch(url, { dispatcher, signal: AbortSignal.timeout(5_000) });
  process.stdout.write(`${response.status} ${await response.text()}\n`);
  process.exitCode = response.ok ? 0 : 1;
} catch (error) {
  process.stdout.write(`${url}: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
} finally {
  await dispatcher.close();
}
