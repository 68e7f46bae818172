// The body of one fleet worker thread (fleet-workers.ts): runs its share of the devices against its own mock and
// posts back only what the fleet's reports read, so the devices' registries, logs and events stay here.
import { parentPort, workerData } from "node:worker_threads";
import { receivedAppIds } from "./fleet-summary.ts";
import type { DetachedDevice, ShardJob, ShardMessage } from "./fleet-workers.ts";
import { runScenario } from "./run-scenario.ts";

const job = workerData as ShardJob;
const post = (message: ShardMessage) => parentPort?.postMessage(message);

try {
  const result = await runScenario(job.scenario, {
    devices: job.devices,
    shard: job.shard,
    ...(job.outDir === undefined ? {} : { outDir: job.outDir }),
    onProgress: (ready) => post({ type: "progress", ready }),
  });
  const devices: DetachedDevice[] = result.devices.map((device) => {
    const received = receivedAppIds(device.outcome.events);
    return {
      number: device.outcome.number,
      deviceId: device.deviceId,
      deviceName: device.deviceName,
      finalStates: device.finalStates,
      receivedApps: received === undefined ? null : [...received],
    };
  });
  post({ type: "done", devices, expectations: result.expectations, errors: result.errors });
} catch (error) {
  post({ type: "failed", message: error instanceof Error ? error.message : String(error) });
}
