// Ctrl-C (SIGINT) or SIGTERM part-way through `imesim run`: the run stops, every temp folder it made (its mock's,
// holding blobs and PKI private keys, and each fleet worker's) is removed, one line says so, and the exit code is
// the one a shell reports for that signal. The child gets a TMPDIR of its own, so "nothing left" is checked exactly.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, describe, expect, it } from "vitest";

const bin = join(import.meta.dirname, "../../bin/imesim.js");
const root = mkdtempSync(join(tmpdir(), "imesim-run-signals-"));
// The demo over a year: minutes of virtual time to run through, so the run is still going when the signal comes.
const scenario = join(root, "demo-year.yaml");
writeFileSync(
  scenario,
  readFileSync(join(import.meta.dirname, "../../scenarios/demo.yaml"), "utf8").replace(
    /^duration: .*$/m,
    "duration: 365d",
  ),
);

afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Resolves once `count` run folders exist in `folder` (every mock is up), or false if `exited` comes first. */
async function runFoldersMade(folder: string, count: number, exited: () => boolean): Promise<boolean> {
  for (;;) {
    if (readdirSync(folder).filter((name) => name.startsWith("imesim-run-")).length >= count) return true;
    if (exited()) return false;
    await sleep(50);
  }
}

describe("imesim run stopped by a signal", () => {
  it.each([
    ["SIGINT", 130, 1],
    ["SIGTERM", 143, 2],
  ] as const)(
    "%s exits %i and leaves none of the run's temp folders (%i thread(s))",
    async (signal, code, workers) => {
      const tmp = join(root, `tmp-${signal}`);
      mkdirSync(tmp);
      // Its own process group, so whatever is left can be killed at the end whatever happens.
      const child = spawn(
        process.execPath,
        [bin, "run", scenario, "--devices", String(2 * workers), "--workers", String(workers)],
        { stdio: ["ignore", "pipe", "pipe"], detached: true, env: { ...process.env, TMPDIR: tmp } },
      );
      try {
        let stdout = "";
        let stderr = "";
        child.stdout.setEncoding("utf8").on("data", (text: string) => {
          stdout += text;
        });
        child.stderr.setEncoding("utf8").on("data", (text: string) => {
          stderr += text;
        });
        const exited = new Promise<number | null>((resolve) =>
          child.once("exit", (status) => resolve(status)),
        );
        expect(await runFoldersMade(tmp, workers, () => child.exitCode !== null), stderr).toBe(true);
        // A moment for the devices to enrol: the signal then lands while the clock runs.
        await sleep(1_000);
        child.kill(signal);
        const status = await Promise.race([exited, sleep(15_000, "still running 15 s after the signal")]);
        expect(status).toBe(code);
        expect(stderr).toBe(
          `imesim run: stopped by ${signal}; the run did not finish and nothing was reported\n`,
        );
        expect(stdout).toBe("");
        expect(readdirSync(tmp)).toEqual([]);
      } finally {
        try {
          process.kill(-(child.pid ?? 0), "SIGKILL");
        } catch {
          // Nothing was left of the group: the run stopped as it should.
        }
      }
    },
    40_000,
  );
});
