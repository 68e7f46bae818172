// The device profile's downloadMbps paces content downloads (ime.md §11a Time: download time from the content
// size and the device's bandwidth; 100 Mbit/s when the scenario names none).
import { createHash } from "node:crypto";
import { parseCmtrace } from "@imesim/agent/log";
import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/run/run-scenario.ts";
import { parseScenario } from "../../src/scenario/index.ts";

/** 300 KB that does not compress: the package's .bin stays about that large. */
const payload = Array.from({ length: 4_700 }, (_, i) =>
  createHash("sha512").update(String(i)).digest("hex"),
).join("");

const scenarioText = (profile: string) => `
name: download rate
duration: 1h
${profile}
apps:
  - name: Big
    short: { install: big.exe, detection: [{ file: C:\\Program Files\\Big\\big.exe }] }
    package: { files: { big.exe: "${payload}" } }
    assignments: [{ intent: required }]
installers:
  - match: big.exe
    attempts: [{ files: [{ path: C:\\Program Files\\Big\\big.exe }] }]
expect:
  - { app: Big, enforcementState: Success }
`;

/** `Downloaded file time` of the run's one download, in the unit the line prints. */
async function downloadTime(profile: string): Promise<number> {
  const loaded = parseScenario(scenarioText(profile), { file: "rate.yaml", baseDir: process.cwd() });
  const result = await runScenario(loaded);
  expect(result.errors).toEqual([]);
  const line = parseCmtrace(result.devices[0]!.outcome.readLog("AppWorkload.log"))
    .map((r) => r.message)
    .find((m) => m.startsWith("[Win32App] Downloaded file time "));
  return Number(line?.slice("[Win32App] Downloaded file time ".length));
}

describe("downloadMbps (device profile)", () => {
  it("takes longer on a slower link, and 100 Mbit/s is the default", async () => {
    const slow = await downloadTime("device: { profile: { downloadMbps: 1 } }");
    const fast = await downloadTime("device: { profile: { downloadMbps: 100 } }");
    const unset = await downloadTime("");
    // 300 KB at 1 Mbit/s is about 2.4 s of transfer beyond the job's fixed cost.
    expect(slow - fast).toBeGreaterThan(2_000);
    expect(unset).toBe(fast);
  });

  it("refuses a link that is not a positive number", () => {
    expect(() =>
      parseScenario(scenarioText("device: { profile: { downloadMbps: 0 } }"), {
        file: "rate.yaml",
        baseDir: ".",
      }),
    ).toThrow(/downloadMbps/);
  });
});
