// The agent process is SIGKILLed mid-step (the kill lands while it is frozen inside the step), then a new
// process starts on the same SQLite device: no lost state, no duplicate report, no stray files.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { createVirtualClock } from "../../src/clock/index.ts";
import { createDevice } from "../../src/host/index.ts";
import { T0 } from "../support/harness.ts";
import { temporaryFolder } from "../support/temporary-folder.ts";

const child = fileURLToPath(new URL("../support/crash-child.ts", import.meta.url));
const [A, B] = ["c0ffee00-0000-4000-8000-00000000000a", "c0ffee00-0000-4000-8000-00000000000b"];

function run(
  args: string[],
  killWhenFrozen: boolean,
): Promise<{ stdout: string; signal: NodeJS.Signals | null }> {
  return new Promise((resolve, reject) => {
    const process_ = spawn(process.execPath, [child, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    process_.stdout.on("data", (data: Buffer) => {
      stdout += data.toString();
      if (killWhenFrozen && stdout.includes("FROZEN")) process_.kill("SIGKILL");
    });
    process_.stderr.on("data", (data: Buffer) => {
      stderr += data.toString();
    });
    process_.on("error", reject);
    process_.on("exit", (code, signal) => {
      if (signal === null && code !== 0) reject(new Error(`child exited ${code}: ${stderr}`));
      else resolve({ stdout, signal });
    });
  });
}

const killPoints = [
  { name: "mid-download", phase: "download.started", app: A },
  { name: "mid-install", phase: "install.started", app: A },
  { name: "after recording, before the upload", phase: "report.sent", app: A },
  { name: "mid-install of the second app", phase: "install.started", app: B },
  { name: "mid-cleanup", phase: "cleanup.completed", app: B },
];

describe("crash safety under SIGKILL (SQLite device)", () => {
  for (const point of killPoints) {
    it(`recovers from a kill ${point.name}`, async () => {
      const folder = temporaryFolder("imesim-sigkill-");
      const db = join(folder, "device.sqlite");
      const uploads = join(folder, "uploads.txt");
      const killed = await run([db, uploads, String(T0), point.phase, point.app], true);
      expect(killed.signal).toBe("SIGKILL");
      const resumed = await run([db, uploads, String(T0 + 4 * 3_600_000)], false);
      const final = JSON.parse(resumed.stdout.trim().split("\n").at(-1) ?? "{}") as {
        states: Record<string, number>;
        installed: string[];
        stray: string[];
        failure: string;
      };
      expect(final.failure).toBe("");
      expect(final.states).toEqual({ [A]: 1000, [B]: 1000 });
      expect(final.installed.sort()).toEqual([A, B].sort());
      expect(final.stray).toEqual([]);
      const reported = readFileSync(uploads, "utf8").trim().split("\n");
      // Each app's outcome reaches the service exactly once across both processes.
      expect(reported.sort()).toEqual([`${A} 1000`, `${B} 1000`].sort());
    }, 60_000);
  }

  it("finds no trace of an installer killed while it ran: its effects land when it ends (issue 13)", async () => {
    const folder = temporaryFolder("imesim-sigkill-");
    const db = join(folder, "device.sqlite");
    const killed = await run([db, join(folder, "uploads.txt"), String(T0), "install.launched", A], true);
    expect(killed.signal).toBe("SIGKILL");
    const device = createDevice({ backend: { sqlitePath: db }, clock: createVirtualClock(T0) });
    try {
      expect(device.fs.stat(`C:\\Program Files\\${A}\\app.exe`)).toBeUndefined();
    } finally {
      device.close();
    }
  }, 60_000);
});
