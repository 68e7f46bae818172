// imesim run end to end — scenario loader, in-process mock service, the agents' HTTP client dispatched
// into the mock's inject, one virtual clock — at the two sizes issue 8 asks about:
//   1. one device with 50 apps for 30 simulated days: wall time and simulated/wall ratio;
//   2. a fleet of 10,000 devices × 5 apps (issue 18): wall time, devices per second, peak RSS (goals < 60 s,
//      < 2 GB), on the worker threads `--devices` picks (one per core; IMESIM_FLEET_WORKERS overrides).
// Baselines measured in the same run: one device with one app over one day (for 1), one device with
// the fleet's 5 apps (for 2); the ratios show what the size costs per simulated day and per device.
// IMESIM_FLEET_DEVICES and IMESIM_BENCH_DAYS shrink the runs while developing; IMESIM_FLEET_ROWS=1 (or 2) runs
// only that row (`IMESIM_FLEET_ROWS=1 npm run bench -- fleet`).
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { defaultWorkerCount } from "../e2e/src/run/fleet-workers.ts";
import { runScenario } from "../e2e/src/run/run-scenario.ts";
import { parseScenario } from "../e2e/src/scenario/index.ts";

// The rows measure what `imesim run` runs: with the V8 flags the bin gives it (e2e/bin/memory-flags.cjs: its young
// generation, no allocation-site pretenuring). A bench started with a semi-space size of its own keeps its flags, to
// compare sizes.
const require = createRequire(import.meta.url);
const { SIMULATION_NODE_FLAGS } = require("../e2e/bin/memory-flags.cjs") as {
  SIMULATION_NODE_FLAGS: string[];
};
// And with the compile cache the bin turns on (e2e/bin/compile-cache.cjs), which the child and its workers inherit.
if (!process.execArgv.some((flag) => flag.startsWith("--max-semi-space-size"))) {
  require("../e2e/bin/compile-cache.cjs").useCompileCache();
  const self = fileURLToPath(import.meta.url);
  const child = spawnSync(process.execPath, [...process.execArgv, ...SIMULATION_NODE_FLAGS, self], {
    stdio: "inherit",
  });
  process.exit(child.status ?? 1);
}

const DAYS = Number(process.env.IMESIM_BENCH_DAYS ?? 30);
const FLEET = Number(process.env.IMESIM_FLEET_DEVICES ?? 10_000);
const ROWS = (process.env.IMESIM_FLEET_ROWS ?? "1,2").split(",").map((row) => row.trim());
const WORKERS =
  process.env.IMESIM_FLEET_WORKERS === undefined ? undefined : Number(process.env.IMESIM_FLEET_WORKERS);

/** A scenario text with `apps` required apps; every fifth fails with 1603 and lives in GRS, the rest install. */
function scenarioText(apps: number, duration: string): string {
  const lines = [`name: bench ${apps} apps`, `duration: ${duration}`, "apps:"];
  for (let i = 1; i <= apps; i += 1) {
    lines.push(
      `  - name: App ${i}`,
      `    short: { install: app${i}.exe /S, detection: [{ file: "C:\\\\Program Files\\\\Bench\\\\app${i}.exe" }] }`,
      `    package: { files: { app${i}.exe: "setup ${i}" } }`,
      "    assignments: [{ intent: required }]",
    );
  }
  lines.push("installers:");
  for (let i = 1; i <= apps; i += 1) {
    const attempt =
      i % 5 === 0
        ? "{ exitCode: 1603 }"
        : `{ files: [{ path: "C:\\\\Program Files\\\\Bench\\\\app${i}.exe" }] }`;
    lines.push(`  - { match: "app${i}.exe /S", attempts: [${attempt}] }`);
  }
  return `${lines.join("\n")}\n`;
}

async function measure(apps: number, duration: string, devices: number, workers?: number) {
  const scenario = parseScenario(scenarioText(apps, duration), {
    file: "bench.yaml",
    baseDir: process.cwd(),
  });
  globalThis.gc?.();
  const rssBefore = process.memoryUsage().rss;
  let peakRss = rssBefore;
  // process.memoryUsage.rss(): the full memoryUsage() also walks the heap's spaces, on the thread being measured.
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
  }, 50);
  const started = performance.now();
  // CPU time of the whole process, worker threads included: unlike wall time, it does not grow with the load
  // other processes put on a shared machine.
  const cpuBefore = process.cpuUsage();
  const result = await runScenario(scenario, { devices, ...(workers === undefined ? {} : { workers }) });
  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
  // From the final states (a fleet worker keeps its devices' events): apps in the Installed band (ime.md §4.2).
  const installs = result.devices.reduce(
    (sum, device) =>
      sum +
      device.finalStates.filter(
        (state) => state.enforcementState !== undefined && Math.floor(state.enforcementState / 1000) === 1,
      ).length,
    0,
  );
  if (result.errors.length > 0) throw new Error(`bench run failed: ${result.errors.join("; ")}`);
  return { wallMs, cpuMs, simulatedMs: result.simulatedMs, peakRss, installs };
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

console.log("imesim run, end to end (in-process mock + agents through their HTTP client, one virtual clock)");

if (ROWS.includes("1")) await rowOne();
if (ROWS.includes("2")) await rowTwo();

async function rowOne() {
  const baseline1 = await measure(1, "1d", 1);
  const big = await measure(50, `${DAYS}d`, 1);
  const ratio = (m: { simulatedMs: number; wallMs: number }) => m.simulatedMs / m.wallMs;
  console.log("\n1) one device, simulated time per wall time");
  console.log(
    `   baseline  1 app  × 1 day : ${seconds(baseline1.wallMs).padStart(9)}  CPU ${seconds(baseline1.cpuMs).padStart(8)}  simulated/wall ${ratio(baseline1).toFixed(0).padStart(8)}×  installed ${baseline1.installs}`,
  );
  console.log(
    `   measured 50 apps × ${DAYS} days: ${seconds(big.wallMs).padStart(9)}  CPU ${seconds(big.cpuMs).padStart(8)}  simulated/wall ${ratio(big).toFixed(0).padStart(8)}×  installed ${big.installs}`,
  );
  console.log(
    `   ratio: 50 apps × ${DAYS} days run at ${(ratio(big) / ratio(baseline1)).toFixed(2)}× the baseline's simulated/wall speed`,
  );
}

async function rowTwo() {
  const baseline2 = await measure(5, "3h", 1);
  const workers = WORKERS ?? defaultWorkerCount(FLEET);
  const fleet = await measure(5, "3h", FLEET, workers);
  const perDevice = (m: { wallMs: number }, devices: number) => m.wallMs / devices;
  console.log(`\n2) fleet of ${FLEET} devices × 5 apps, 3 h simulated, ${workers} worker thread(s)`);
  console.log(
    `   baseline     1 device : ${seconds(baseline2.wallMs).padStart(9)}  CPU ${seconds(baseline2.cpuMs)}  peak RSS ${mb(baseline2.peakRss)}`,
  );
  console.log(
    `   measured ${String(FLEET).padStart(5)} devices: ${seconds(fleet.wallMs).padStart(9)}  ${(FLEET / (fleet.wallMs / 1000)).toFixed(1)} devices/s  CPU ${seconds(fleet.cpuMs)} (${(fleet.cpuMs / FLEET).toFixed(0)} ms/device)  peak RSS ${mb(fleet.peakRss)}  installed ${fleet.installs}`,
  );
  console.log(
    `   ratio: wall time per device ${(perDevice(fleet, FLEET) / perDevice(baseline2, 1)).toFixed(2)}× the single device's`,
  );
  console.log(
    `   goals: < 60 s (${fleet.wallMs < 60_000 ? "met" : "not met"}), < 2 GB peak RSS (${fleet.peakRss < 2 * 1024 ** 3 ? "met" : "not met"})`,
  );
}
