// The virtual device's speed and size: registry reads and writes, detection-rule evaluations per second on
// each backend, and the memory of one idle in-memory device (goal: under 1 MB, so 10,000 fit in a process).
// Ratios are against a plain Map doing the same number of lookups/stores, measured in this same run.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  DetectionType,
  FileDetectionSubType,
  Operator,
  RegistryDetectionSubType,
} from "@imesim/contracts/enums";
import type { DetectionRule } from "@imesim/contracts/ime";
import { createDevice, createScriptedRunner, type Device } from "../agent/src/host/index.ts";
import { evaluateDetection } from "../agent/src/rules/index.ts";

const MEASURE_MS = 300;
const KEYS = 1000;
const clock = { now: () => Date.UTC(2026, 10, 24) };
const folder = mkdtempSync(join(tmpdir(), "imesim-bench-"));

/** Operations per second of `op` (called with a running counter), run for about MEASURE_MS. */
function opsPerSecond(op: (i: number) => void): number {
  for (let i = 0; i < 200; i += 1) op(i); // warm-up
  let count = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < MEASURE_MS) {
    for (let i = 0; i < 500; i += 1) op(count + i);
    count += 500;
    elapsed = performance.now() - start;
  }
  return (count / elapsed) * 1000;
}

const rows: Array<{ what: string; opsPerSecond: number; baseline: number }> = [];
function record(what: string, ops: number, baseline: number): void {
  rows.push({ what, opsPerSecond: ops, baseline });
}

// Baselines: the same key pattern through a plain Map with case folding, the least a registry could cost.
const plain = new Map<string, number>();
const keyNames = Array.from({ length: KEYS }, (_, i) => `HKLM\\SOFTWARE\\Contoso\\App${i}`);
for (const [i, key] of keyNames.entries()) plain.set(`${key.toLowerCase()}|version`, i);
const mapRead = opsPerSecond((i) => plain.get(`${keyNames[i % KEYS]!.toLowerCase()}|version`));
const mapWrite = opsPerSecond((i) => plain.set(`${keyNames[i % KEYS]!.toLowerCase()}|count`, i));

const detectionRules: DetectionRule[] = [
  {
    DetectionType: DetectionType.Registry,
    DetectionText: {
      Path: "HKEY_LOCAL_MACHINE\\SOFTWARE\\Contoso\\App7",
      KeyName: "Version",
      Check32BitOn64System: false,
      DetectionType: RegistryDetectionSubType.VersionComparison,
      Operator: Operator.GreaterThanOrEqual,
      DetectionValue: "1.0.0",
    },
  },
  {
    DetectionType: DetectionType.FileSystem,
    DetectionText: {
      Path: "%ProgramFiles%\\Contoso",
      FileOrFolderName: "app.exe",
      Check32BitOn64System: false,
      DetectionType: FileDetectionSubType.Version,
      Operator: Operator.GreaterThanOrEqual,
      DetectionValue: "2.0.0.0",
    },
  },
];

function prepare(device: Device): void {
  device.transaction(() => {
    for (const [i, key] of keyNames.entries())
      device.registry.setValue(key, "Version", { type: "REG_SZ", data: `1.0.${i}` });
  });
  device.fs.writeFile("C:\\Program Files\\Contoso\\app.exe", "MZ", { version: "2.1.0.0" });
}

const backends = [
  { name: "memory", open: () => createDevice({ backend: "memory", clock }) },
  {
    name: "sqlite",
    open: () => createDevice({ backend: { sqlitePath: join(folder, "bench.sqlite") }, clock }),
  },
] as const;

for (const backend of backends) {
  const device = backend.open();
  prepare(device);
  const context = {
    host: device,
    profile: device.profile,
    account: "system" as const,
    scripts: createScriptedRunner([]),
  };
  record(
    `${backend.name}: registry reads/s`,
    opsPerSecond((i) => device.registry.getValue(keyNames[i % KEYS]!, "Version")),
    mapRead,
  );
  record(
    `${backend.name}: registry writes/s (each its own commit)`,
    opsPerSecond((i) =>
      device.registry.setValue(keyNames[i % KEYS]!, "Count", { type: "REG_DWORD", data: i }),
    ),
    mapWrite,
  );
  record(
    `${backend.name}: registry writes/s (500 per transaction)`,
    opsPerSecond((i) => {
      if (i % 500 === 0) {
        device.registry.transaction(() => {
          for (let j = 0; j < 500; j += 1) {
            device.registry.setValue(keyNames[(i + j) % KEYS]!, "Count", { type: "REG_DWORD", data: j });
          }
        });
      }
    }),
    mapWrite,
  );
  const outcome = evaluateDetection(detectionRules, context);
  if (outcome.state !== "Detected")
    throw new Error(`benchmark rules should detect: ${outcome.lines.join("\n")}`);
  record(
    `${backend.name}: detections/s (registry + file version rule)`,
    opsPerSecond(() => evaluateDetection(detectionRules, context)),
    mapRead,
  );
  device.close();
}

// Memory of idle in-memory devices: many devices, heap difference divided by their number.
const gc = (globalThis as { gc?: () => void }).gc;
const DEVICES = 10_000;
createDevice({ backend: "memory", clock }); // builds the shared base image outside the measurement
gc?.();
const heapBefore = process.memoryUsage().heapUsed;
const fleet: Device[] = [];
const fleetStart = performance.now();
for (let i = 0; i < DEVICES; i += 1) fleet.push(createDevice({ backend: "memory", clock }));
const fleetMs = performance.now() - fleetStart;
gc?.();
const bytesPerDevice = (process.memoryUsage().heapUsed - heapBefore) / DEVICES;
if (fleet.length !== DEVICES) throw new Error("fleet lost devices");
rmSync(folder, { recursive: true, force: true });

const format = (n: number) => Math.round(n).toLocaleString("en-US");
console.log("| measurement | ops/s | ratio vs plain Map baseline |");
console.log("| --- | ---: | ---: |");
for (const row of rows)
  console.log(
    `| ${row.what} | ${format(row.opsPerSecond)} | ${(row.opsPerSecond / row.baseline).toFixed(4)} |`,
  );
console.log(`| baseline: Map reads/s | ${format(mapRead)} | 1 |`);
console.log(`| baseline: Map writes/s | ${format(mapWrite)} | 1 |`);
console.log("");
console.log(
  `idle in-memory device: ${format(bytesPerDevice)} bytes each (${DEVICES.toLocaleString("en-US")} devices in ${format(fleetMs)} ms; ` +
    `goal < 1 MB: ${bytesPerDevice < 1024 * 1024 ? "met" : "NOT met"}${gc === undefined ? "; run with --expose-gc for exact numbers" : ""})`,
);
if (bytesPerDevice >= 1024 * 1024) process.exitCode = 1;
