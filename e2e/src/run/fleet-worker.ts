// The body of one fleet worker thread (fleet-workers.ts): runs its share of the devices against its own mock and
// posts back only what the fleet's reports read, so the devices' registries, logs and events stay here.
import { parentPort, workerData } from "node:worker_threads";
import type { DetachedDevice, ShardJob, ShardMessage } from "./fleet-workers.ts";
import { runScenario } from "./run-scenario.ts";

const job = workerData as ShardJob;
const post = (message: ShardMessage) => parentPort?.postMessage(message);
// The main thread's only message: stop (Ctrl-C). The run then unwinds, closing its mock and removing its temp folder.
const stop = new AbortController();
const onStop = () => stop.abort(new Error("stopped by the main thread"));
parentPort?.on("message", onStop);

try {
  const result = await runScenario(job.scenario, {
    devices: job.devices,
    shard: job.shard,
    signal: stop.signal,
    ...(job.outDir === undefined ? {} : { outDir: job.outDir }),
    onProgress: (ready) => post({ type: "progress", ready }),
  });
  // The share's runs come back detached (run-scenario's batches): only what the reports read.
  const devices: DetachedDevice[] = result.devices.map((device) => ({
    number: device.outcome.number,
    deviceId: device.deviceId,
    deviceName: device.deviceName,
    finalStates: device.finalStates,
    receivedApps: device.receivedApps ?? null,
  }));
  post({ type: "done", devices, expectations: result.expectations, errors: result.errors });
} catch (error) {
  post({ type: "failed", message: error instanceof Error ? error.message : String(error) });
} finally {
  // A listening port keeps the thread alive.
  parentPort?.off("message", onStop);
}
