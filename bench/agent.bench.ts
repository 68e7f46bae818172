// The agent's virtual-time speed: simulated hours per wall second for one device with 50 Win32 apps over
// 30 days (installs, 1618 retries, failures living in GRS, 8-hourly re-evaluations, hourly check-ins).
// The baseline, measured in this same run, is the same device with a single app: the ratio shows what
// 49 more apps cost. Content is a real .intunewin, so decryption and unzip are part of the price.
import { type DecodedImePolicy, serializePolicies } from "@imesim/contracts/ime";
import { createAgent } from "../agent/src/agent.ts";
import { createVirtualClock } from "../agent/src/clock/index.ts";
import { createDevice } from "../agent/src/host/index.ts";
import { createScriptedInstaller, type ScriptedBehaviour } from "../agent/src/host/installer/scripted.ts";
import type { ImeServiceClient } from "../agent/src/service-client/index.ts";
import { makePolicy } from "../agent/test/support/fakes.ts";
import { type PackedContent, packedContent } from "../agent/test/support/packed-content.ts";

const DAYS = Number(process.env.IMESIM_BENCH_DAYS ?? 30);
const APPS = 50;
const START = Date.UTC(2026, 0, 5, 8, 0, 0);

const appId = (i: number) => `${i.toString(16).padStart(8, "0")}-0000-4000-8000-000000000000`;

/** The test harness' policy with portal defaults, file detection under C:\Program Files\Bench. */
function policy(id: string): DecodedImePolicy {
  return makePolicy(id, {
    Name: `Bench app ${id.slice(0, 8)}`,
    marker: `C:\\Program Files\\Bench\\${id}\\app.exe`,
    InstallCommandLine: `install-${id.slice(0, 8)}.cmd`,
    UninstallCommandLine: `uninstall-${id.slice(0, 8)}.cmd`,
    SetUpFilePath: "install.cmd",
  });
}

/** Most apps install at once; every 10th returns 1618 twice first; every 25th always fails (lives in GRS). */
function behaviour(i: number): ScriptedBehaviour {
  const id = appId(i);
  const installs = {
    exitCode: 0,
    durationMs: 90_000,
    effects: { writeFiles: [{ path: `C:\\Program Files\\Bench\\${id}\\app.exe` }] },
  };
  if (i % 25 === 24)
    return { match: `install-${id.slice(0, 8)}.cmd`, attempts: [{ exitCode: 1603, durationMs: 60_000 }] };
  if (i % 10 === 9) {
    return {
      match: `install-${id.slice(0, 8)}.cmd`,
      attempts: [{ exitCode: 1618, durationMs: 20_000 }, { exitCode: 1618, durationMs: 20_000 }, installs],
    };
  }
  return { match: `install-${id.slice(0, 8)}.cmd`, attempts: [installs] };
}

/** An in-process service: the app list as the gateway would decode it, and the content bytes. */
function inProcessService(
  policies: DecodedImePolicy[],
  content: PackedContent,
  now: () => number,
): ImeServiceClient {
  const json = serializePolicies(policies);
  return {
    acquireToken: async () => ({ value: "bench", expiresAt: now() + 3_600_000 }),
    // The device's one session (its logged-on user, ime.md §11a) gets the device-targeted apps with its own.
    requestApps: async () => ({ policiesJson: json }),
    getContentInfo: async (request) => ({
      url: `http://swdc01.manage.microsoft.com/bench/content/${request.appId}.intunewin.bin`,
      size: content.bytes.length,
      encryption: content.keys,
    }),
    async *downloadContent(request) {
      yield content.bytes.subarray(request.fromByte);
    },
    sendResults: async () => {},
  };
}

interface Run {
  readonly apps: number;
  readonly wallMs: number;
  readonly simulatedHours: number;
  readonly events: number;
  readonly installs: number;
}

async function simulate(apps: number, content: PackedContent): Promise<Run> {
  const clock = createVirtualClock(START);
  const device = createDevice({ backend: "memory", clock });
  const ids = Array.from({ length: apps }, (_, i) => i);
  const agent = createAgent({
    deviceId: "bench-device",
    device,
    clock,
    service: inProcessService(
      ids.map((i) => policy(appId(i))),
      content,
      () => clock.now(),
    ),
    installer: createScriptedInstaller(ids.map(behaviour)),
  });
  let events = 0;
  let installs = 0;
  agent.subscribe((event) => {
    events += 1;
    if (event.phase === "install.started") installs += 1;
  });
  const started = performance.now();
  agent.start();
  await agent.runUntil(START + DAYS * 24 * 3_600_000);
  const wallMs = performance.now() - started;
  if (agent.failure() !== undefined) throw agent.failure();
  agent.dispose();
  // A run that never installs measures nothing (as when the sessions changed and this service answered none).
  if (installs < apps) throw new Error(`bench: ${apps} app(s) but only ${installs} installer run(s)`);
  return { apps, wallMs, simulatedHours: DAYS * 24, events, installs };
}

const content = await packedContent(
  { "install.cmd": "@echo off\r\nexit /b 0\r\n", "payload.bin": Buffer.alloc(64 * 1024, 7) },
  "install.cmd",
);
await simulate(1, content); // warm-up (JIT, module loading)
const baseline = await simulate(1, content);
const fleet = await simulate(APPS, content);
const rate = (run: Run) => run.simulatedHours / (run.wallMs / 1000);
const table = [baseline, fleet].map((run) => ({
  apps: run.apps,
  "simulated days": DAYS,
  "wall ms": Math.round(run.wallMs),
  "simulated h / wall s": Math.round(rate(run)),
  "× real time": Math.round((run.simulatedHours * 3_600_000) / run.wallMs),
  events: run.events,
  "installer runs": run.installs,
  "vs baseline": `${(rate(run) / rate(baseline)).toFixed(3)}×`,
}));
console.table(table);
console.log(
  `one device, ${APPS} apps, ${DAYS} days: ${Math.round(rate(fleet))} simulated hours per wall second ` +
    `(${(rate(fleet) / rate(baseline)).toFixed(3)}× the 1-app baseline of ${Math.round(rate(baseline))})`,
);
