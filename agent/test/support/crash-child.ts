// A child process for the SIGKILL crash test: one agent on a SQLite device. With a kill phase it freezes
// (synchronously, mid-step) at the first event of that phase and says FROZEN, so the parent can SIGKILL it
// there; without one it runs to the end and prints the final state as JSON.
import { appendFileSync } from "node:fs";
import { createDevice } from "@imesim/agent/host";
import { createAgent } from "../../src/agent.ts";
import { createVirtualClock } from "../../src/clock/index.ts";
import { createScriptedInstaller } from "../../src/host/installer/scripted.ts";
import { IMECACHE_DIR, INCOMING_DIR, STAGING_DIR } from "../../src/ime/index.ts";
import type { ImeServiceClient } from "../../src/service-client/types.ts";
import { createFakeService, DEVICE, fakeCodec, fileRegistryEvaluator, makePolicy } from "./fakes.ts";

const [sqlitePath = "", uploadsPath = "", startArg = "0", killPhase = "", killApp = ""] =
  process.argv.slice(2);
const CRASH_APPS = ["c0ffee00-0000-4000-8000-00000000000a", "c0ffee00-0000-4000-8000-00000000000b"] as const;
const marker = (id: string) => `C:\\Program Files\\${id}\\app.exe`;

const clock = createVirtualClock(Number(startArg));
const device = createDevice({ backend: { sqlitePath }, clock });
const service = createFakeService(clock);
service.assign(
  DEVICE,
  CRASH_APPS.map((id) => makePolicy(id)),
  { "setup.exe": "MZ".padEnd(600, "x") },
);
service.slowLink(1_000);
// Uploads land in a file, so duplicates across the two processes are visible to the parent.
const client: ImeServiceClient = {
  ...service.client,
  async sendResults(request) {
    await service.client.sendResults(request);
    for (const result of request.results)
      appendFileSync(uploadsPath, `${result.ApplicationId} ${result.EnforcementState}\n`);
  },
};
const agent = createAgent({
  deviceId: "crash-device",
  device,
  clock,
  service: client,
  installer: createScriptedInstaller(
    CRASH_APPS.map((id) => ({
      match: `setup-${id.slice(0, 8)}.exe /quiet`,
      appId: id,
      attempts: [{ exitCode: 0, durationMs: 10 * 60_000, effects: { writeFiles: [{ path: marker(id) }] } }],
    })),
  ),
  evaluator: fileRegistryEvaluator,
  codec: fakeCodec,
  users: [],
});
if (killPhase !== "") {
  agent.subscribe((event) => {
    if (event.phase !== killPhase || (killApp !== "" && event.appId !== killApp)) return;
    process.stdout.write("FROZEN\n");
    // Block the whole process right here, mid-step, until the parent kills it.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60_000);
  });
}
agent.start();
await clock.runUntil(Number(startArg) + 3 * 3_600_000);
const stray = [INCOMING_DIR, STAGING_DIR, IMECACHE_DIR].flatMap((dir) =>
  device.fs.stat(dir) === undefined ? [] : device.fs.list(dir).map((name) => `${dir}\\${name}`),
);
const states = Object.fromEntries(
  CRASH_APPS.map((id) => [
    id,
    agent.state.readEnforcement({ userId: DEVICE, appId: id, version: 1 })?.EnforcementState,
  ]),
);
const installed = CRASH_APPS.filter((id) => device.fs.stat(marker(id)) !== undefined);
process.stdout.write(
  `${JSON.stringify({ states, installed, stray, failure: String(agent.failure() ?? "") })}\n`,
);
agent.dispose();
device.close();
