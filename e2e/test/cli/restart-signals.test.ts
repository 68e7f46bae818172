// `imesim run` restarts itself once with its V8 flags (e2e/bin/memory-flags.cjs), so the process a harness starts
// is only a wrapper: a SIGTERM or SIGINT sent to it must stop the run itself. Checked on `run --ui`, whose dashboard
// answers for as long as the run's process lives.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";

const bin = join(import.meta.dirname, "../../bin/imesim.js");
const scenario = join(import.meta.dirname, "../../scenarios/retry-grs.yaml");

async function answers(url: string): Promise<boolean> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(2_000) });
    return true;
  } catch {
    return false;
  }
}

describe("imesim run's restart wrapper", () => {
  for (const signal of ["SIGTERM", "SIGINT"] as const)
    it(`stops the run itself on ${signal}, not just the wrapper`, async () => {
      // Its own process group, so whatever is left can be killed at the end whatever happens.
      const wrapper = spawn(process.execPath, [bin, "run", scenario, "--ui"], {
        stdio: ["ignore", "pipe", "pipe"],
        detached: true,
      });
      try {
        const url = await new Promise<string>((resolve, reject) => {
          let text = "";
          wrapper.stderr.on("data", (chunk: Buffer) => {
            text += chunk.toString();
            const found = /dashboard: (http:\/\/127\.0\.0\.1:\d+\/ui\/)/.exec(text)?.[1];
            if (found !== undefined) resolve(found);
          });
          wrapper.once("exit", () => reject(new Error(`imesim run --ui exited early: ${text}`)));
        });
        expect(await answers(url)).toBe(true);
        const exited = new Promise<number | null>((resolve) => wrapper.once("exit", resolve));
        wrapper.kill(signal);
        await exited;
        let stillAnswers = true;
        for (let tries = 0; tries < 20 && stillAnswers; tries += 1) {
          stillAnswers = await answers(url);
          if (stillAnswers) await sleep(250);
        }
        expect(stillAnswers, `the run behind ${url} outlived its wrapper`).toBe(false);
      } finally {
        try {
          process.kill(-(wrapper.pid ?? 0), "SIGKILL");
        } catch {
          // Nothing was left of the group: the run stopped as it should.
        }
      }
    }, 60_000);
});
