// A large fleet across every core: `imesim run --devices N` splits the devices into contiguous shares, one per
// worker thread; each worker starts its own mock (the same scenario, so the same apps under the same ids) and
// runs its share on its own virtual clock, then sends back only what the reports read — final states, the
// app lists received, the expectations it checked and the errors. The devices never meet on the service
// (each has its own enrollment, policies and statuses), so a device's run is the same in any share.
// One difference is observable: a fault plan that counts requests (`times:`) counts them per worker's mock.
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { ImesimError } from "@imesim/contracts/errors";
import type { DeviceOutcome, ExpectationResult } from "../scenario/expectations.ts";
import type { LoadedScenario } from "../scenario/index.ts";
import { receivedAppIds } from "./fleet-summary.ts";
import { type AppFinalState, type DeviceRun, type RunResult, runResultOf } from "./result.ts";
import type { RunOptions } from "./run-scenario.ts";

/** A worker's share of the fleet. */
export interface FleetShard {
  readonly firstDevice: number;
  /** Where this share's mock keeps its data; undefined for a fresh temp folder. */
  readonly serviceDir: string | undefined;
  /** Devices run at a time (run-scenario's SHARD_BATCH_DEVICES unless set). */
  readonly batchDevices?: number;
}

/** What a worker is given (structured-cloned: the loaded scenario is plain data). */
export interface ShardJob {
  readonly scenario: LoadedScenario;
  readonly shard: FleetShard;
  readonly devices: number;
  readonly outDir: string | undefined;
}

/** One device as a worker reports it: what the fleet summary and the JSON report read. */
export interface DetachedDevice {
  readonly number: number;
  readonly deviceId: string;
  readonly deviceName: string;
  readonly finalStates: readonly AppFinalState[];
  readonly receivedApps: readonly string[] | null;
}

/** Messages from a worker: progress as devices are set up, then its share's result or why it failed. */
export type ShardMessage =
  | { readonly type: "progress"; readonly ready: number }
  | {
      readonly type: "done";
      readonly devices: readonly DetachedDevice[];
      readonly expectations: readonly ExpectationResult[];
      readonly errors: readonly string[];
    }
  | { readonly type: "failed"; readonly message: string };

// A worker pays for loading the code (type stripping), its own mock and the apps' publishing — about 5 s of CPU,
// 60 devices' worth (bench/fleet.bench.ts: ~85 ms of CPU per device × 5 apps × 3 h) — before its first device;
// with fewer devices per worker than this, the second core saves less than that costs.
const DEVICES_PER_WORKER = 500;

// A worker's young generation: V8 lets it grow to 128 MB on a fleet's steady allocation, in every worker and kept
// all run. At 32 MB a 300-device share peaked 60 MB lower for the same CPU (scavenges are cheaper when only a few
// devices' objects are young), and a fleet's peak RSS is one of issue 18's goals.
// V8's flags are the process's, and `--max-semi-space-size` takes precedence over this limit in every isolate (V8's
// Heap::ConfigureHeap; a worker given 8, 16, 32 or 64 MB here reads back the same 32 MiB new space in
// v8.getHeapSpaceStatistics() under `=11`, and 8, 16, 32, 64 without the flag): under `imesim run` and the fleet bench
// (e2e/bin/memory-flags.cjs) a worker's young generation is the flag's, whatever this says; the limit holds where the
// process runs without the flag (tests, library callers). Larger young generations did not pay for their memory either:
// DEV=1000 on two workers, 5 apps, 3 h, the three sizes run side by side twice, `--max-semi-space-size=11 / 32 / 64`
// gave 506–524 / 276–292 / 162–163 scavenges, 37.4 / 36.8 / 36.6 ms CPU per device (within the runs' noise) and peak
// RSS 511–517 / 569–585 / 704–707 MB.
const WORKER_YOUNG_GENERATION_MB = 32;

// A fleet worker runs its share this many devices at a time and keeps only their detached results: the devices never
// meet (each has its own enrollment and clock-driven schedule), so batches change nothing a device does, and the
// memory a device holds until the run ends (registry, logs, events: about 0.75 MB live, more with its garbage)
// stays bounded whatever the fleet. 100 rather than 250: V8 sizes a worker's heap from what is live at its
// largest, and a smaller batch costs no CPU (bench/fleet.bench.ts row 2: peak RSS 1454 → 1270 MB at 1,000 devices,
// with the mock's bounded caches).
export const SHARD_BATCH_DEVICES = 100;

// A worker's old generation may grow to 2 GiB: V8 lets a heap grow between full collections by up to 4× what
// survived the last one only when its limit is at least 2 GiB (heap-controller.cc's MaxGrowingFactor: below that,
// 1.3× to 2× scaled by the limit). A fleet worker promotes much of what its running devices hold and drops it when
// their batch ends, so it lives on that factor: under the former cap of 650 MB (1.6×) a share of 1,500 devices ran
// 24 full collections instead of 5, at 17.8 instead of 14.5 ms of CPU per device; 4,000 devices on two workers, run
// alternately: 16.9 / 16.0 ms per device at 2000 MB against 15.3 / 14.7 at 2048 MB. What survives a full collection
// stays about 100 MB per worker whatever its share (the devices run in batches, SHARD_BATCH_DEVICES), so the heap
// settles near 400 MB, far under the limit; the 10,000-device row's peak RSS went from 734 to 1244 MB
// (bench/fleet.bench.ts row 2, issue 18).
const WORKER_OLD_GENERATION_MB = 2048;

/** The worker count `--devices N` picks: one per core, as long as each gets at least DEVICES_PER_WORKER devices. */
export function defaultWorkerCount(devices: number, cores = availableParallelism()): number {
  return Math.max(1, Math.min(cores, Math.floor(devices / DEVICES_PER_WORKER)));
}

/** Splits `devices` into `workers` contiguous shares as even as possible: [first device, count] each. */
export function shareOut(devices: number, workers: number): Array<readonly [number, number]> {
  const count = Math.max(1, Math.min(workers, devices));
  const shares: Array<readonly [number, number]> = [];
  let first = 1;
  for (let index = 0; index < count; index += 1) {
    const size = Math.floor(devices / count) + (index < devices % count ? 1 : 0);
    shares.push([first, size]);
    first += size;
  }
  return shares;
}

/** An outcome whose device stayed in its worker: the reports read none of it, anything else is told why. */
function detachedOutcome(number: number): DeviceOutcome {
  const gone = (): never => {
    throw new ImesimError(
      "RUN_DEVICE_DETACHED",
      `device ${number} ran in a fleet worker and its state stayed there; run with --workers 1 to inspect it`,
    );
  };
  return {
    number,
    events: [],
    get state() {
      return gone();
    },
    get host() {
      return gone();
    },
    readLog: gone,
    serviceStatus: gone,
  };
}

/** A device's run as the reports read it, without the device: its outcome detached, its received app ids kept. */
export function detachRun(run: DeviceRun): DeviceRun {
  const received = run.receivedApps !== undefined ? run.receivedApps : receivedAppIds(run.outcome.events);
  return {
    outcome: detachedOutcome(run.outcome.number),
    deviceId: run.deviceId,
    deviceName: run.deviceName,
    finalStates: run.finalStates,
    receivedApps: received === undefined || received === null ? null : [...received],
  };
}

/**
 * Expectation results of consecutive device ranges (batches, shares) in checkExpectations' own order: by
 * expectation, then device (the sort is stable, so each range keeps its devices' order).
 */
export function orderedByExpectation<T extends { readonly expectations: readonly ExpectationResult[] }>(
  parts: T,
): T & { readonly expectations: ExpectationResult[] } {
  const expectations = [...parts.expectations].sort((a, b) => a.index - b.index);
  return { ...parts, expectations };
}

/**
 * Runs one share in a worker. A stop is passed on as a message (any message tells the worker to stop): the worker
 * then unwinds its run (its mock closed, its temp folder removed) and ends by itself, and only then does this reject
 * with the stop's reason; a worker terminated meanwhile would leave its temp folder behind.
 */
function runShard(
  job: ShardJob,
  onReady: (ready: number) => void,
  signal: AbortSignal | undefined,
): Promise<ShardMessage & { type: "done" }> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL("./fleet-worker.ts", import.meta.url), {
      workerData: job,
      resourceLimits: {
        maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB,
        maxOldGenerationSizeMb: WORKER_OLD_GENERATION_MB,
      },
    });
    let settled = false;
    const stop = () => worker.postMessage("stop");
    signal?.addEventListener("abort", stop, { once: true });
    const fail = (message: string) => {
      if (settled || signal?.aborted === true) return;
      settled = true;
      void worker.terminate();
      reject(
        new ImesimError(
          "RUN_WORKER_FAILED",
          `the fleet worker for devices ${job.shard.firstDevice}–${job.shard.firstDevice + job.devices - 1} failed: ${message}`,
        ),
      );
    };
    worker.on("message", (message: ShardMessage) => {
      if (message.type === "progress") onReady(message.ready);
      else if (message.type === "failed") fail(message.message);
      else {
        settled = true;
        resolve(message);
      }
    });
    worker.on("error", (error: unknown) => fail(error instanceof Error ? error.message : String(error)));
    worker.on("exit", (code) => {
      signal?.removeEventListener("abort", stop);
      if (signal?.aborted !== true) fail(`it exited with code ${code} before reporting`);
      else if (!settled) {
        settled = true;
        reject(signal.reason);
      }
    });
  });
}

/** Runs the fleet on `options.workers` worker threads and merges their results as one run's. */
export async function runInWorkers(
  scenario: LoadedScenario,
  options: RunOptions & { readonly devices: number; readonly workers: number },
): Promise<RunResult> {
  const wallStart = performance.now();
  const { outDir } = options;
  if (outDir !== undefined) (await import("./run-scenario.ts")).prepareOutDir(outDir);
  const shares = shareOut(options.devices, options.workers);
  const ready = shares.map(() => 0);
  // The workers' own stop: the caller's (Ctrl-C), or one worker failing, which stops the others the same way so each
  // removes its temp folder before the run ends with that failure.
  const stopWorkers = new AbortController();
  const passOnStop = () => stopWorkers.abort(options.signal?.reason);
  if (options.signal?.aborted === true) passOnStop();
  options.signal?.addEventListener("abort", passOnStop, { once: true });
  const running = shares.map(([firstDevice, devices], index) =>
    runShard(
      {
        scenario,
        devices,
        outDir,
        shard: {
          firstDevice,
          // Each worker's mock has its own data folder; the first keeps the single-thread run's place.
          serviceDir:
            outDir === undefined ? undefined : join(outDir, index === 0 ? "service" : `service-${index + 1}`),
        },
      },
      (count) => {
        ready[index] = count;
        options.onProgress?.(
          ready.reduce((sum, value) => sum + value, 0),
          options.devices,
        );
      },
      stopWorkers.signal,
    ),
  );
  const results = await Promise.all(running)
    .catch(async (error: unknown) => {
      // A stopped or failed fleet ends once every worker has removed its temp folder, not when the first one has.
      stopWorkers.abort(error);
      await Promise.allSettled(running);
      throw error;
    })
    .finally(() => options.signal?.removeEventListener("abort", passOnStop));
  const devices: DeviceRun[] = results.flatMap((result) =>
    result.devices.map((device) => ({
      outcome: detachedOutcome(device.number),
      deviceId: device.deviceId,
      deviceName: device.deviceName,
      finalStates: device.finalStates,
      receivedApps: device.receivedApps,
    })),
  );
  const merged = orderedByExpectation({
    expectations: results.flatMap((result) => result.expectations),
    errors: results.flatMap((result) => result.errors),
  });
  return runResultOf({ scenario, devices, ...merged, outDir }, wallStart);
}
