import { spawn } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";
import { createDevice } from "../../src/host/index.ts";
import { fixedClock, tempFolder } from "./backends.ts";

const WRITER = fileURLToPath(new URL("./crash-writer.ts", import.meta.url));

/** Starts the writer, waits until it reports `commits` commits, kills it with SIGKILL; the last reported commit. */
function killDuringBurst(sqlitePath: string, commits: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WRITER, sqlitePath], { stdio: ["ignore", "pipe", "pipe"] });
    let lastReported = 0;
    let buffer = "";
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.stdout.on("data", (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split("\n");
      buffer = lines.pop()!;
      for (const line of lines) lastReported = Number(line);
      if (lastReported >= commits && !child.killed) child.kill("SIGKILL");
    });
    child.on("exit", (_code, signal) => {
      if (signal === "SIGKILL") resolve(lastReported);
      else reject(new Error(`writer exited on its own: ${stderr}`));
    });
  });
}

it("a SQLite device killed with SIGKILL during a write burst reopens with every committed transaction whole", async () => {
  const sqlitePath = join(tempFolder(), "device.sqlite");
  const lastReported = await killDuringBurst(sqlitePath, 200);

  const device = createDevice({ backend: { sqlitePath }, clock: fixedClock() });
  try {
    const last = device.registry.getValue("HKLM\\SOFTWARE\\Burst", "Last");
    expect(last?.type).toBe("REG_DWORD");
    const lastCommitted = last!.data as number;
    // Everything reported as committed survived (the kill may land after a commit it had no time to report).
    expect(lastCommitted).toBeGreaterThanOrEqual(lastReported);
    const burstKeys = device.registry.listSubkeys("HKLM\\SOFTWARE\\Burst").map(Number);
    expect(burstKeys.length).toBe(lastCommitted);
    expect(Math.max(...burstKeys)).toBe(lastCommitted);
    // No half transaction: every transaction has all its values and its file, and nothing beyond the last.
    for (const n of burstKeys) {
      expect(device.registry.listValues(`HKLM\\SOFTWARE\\Burst\\${n}`)).toHaveLength(20);
      expect(device.fs.stat(`C:\\Burst\\${n}.txt`)?.kind).toBe("file");
    }
    expect(device.fs.list("C:\\Burst")).toHaveLength(lastCommitted);
    // The base image seeded at creation is intact and the device keeps working.
    expect(device.registry.keyExists("HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion")).toBe(true);
    device.registry.setValue("HKLM\\SOFTWARE\\Burst", "AfterRestart", { type: "REG_DWORD", data: 1 });
  } finally {
    device.close();
  }
});
