// The scenario actions for an admin's acts on a device (issue 16): Company Portal sync, registry value
// deletion, and the log level, whose verbose lines appear only once a (re)started service has read it.
import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/run/run-scenario.ts";
import { parseScenario } from "../../src/scenario/index.ts";

const scenario = (actions: string) =>
  parseScenario(
    `
name: admin acts
duration: 2h
apps:
  - name: Tool
    short: { install: tool.exe /S, detection: [{ file: "C:\\\\Program Files\\\\Tool\\\\tool.exe" }] }
    package: { files: { tool.exe: "installer" } }
    assignments: [{ intent: required }]
installers:
  - { match: tool.exe /S, attempts: [{ files: [{ path: "C:\\\\Program Files\\\\Tool\\\\tool.exe" }] }] }
actions:
${actions}
expect:
  - app: Tool
    enforcementState: Success
`,
    { file: "admin-acts.yaml", baseDir: process.cwd() },
  );

const HOUR = 3_600_000;
const VERBOSE_LINE = "Response from Intune = {";

async function run(actions: string) {
  const loaded = scenario(actions);
  const result = await runScenario(loaded);
  expect(result.passed).toBe(true);
  const outcome = result.devices[0]!.outcome;
  const logs = ["AppWorkload.log", "IntuneManagementExtension.log"] as const;
  return { start: loaded.startMs, outcome, text: logs.map((file) => outcome.readLog(file)).join("") };
}

describe("scenario actions for outside triggers", () => {
  it("logs no verbose line by default", async () => {
    const { outcome, text } = await run("  - { at: 30m, do: syncapp }");
    expect(text).not.toContain(VERBOSE_LINE);
    expect(outcome.events.some((e) => e.phase === "gateway.response")).toBe(false);
  });

  it("setLogLevel Verbose logs the raw replies, DecryptInfo included, once the service restarts", async () => {
    const { outcome, text } = await run("  - { at: 0s, do: setLogLevel, level: Verbose }");
    expect(text).toContain(VERBOSE_LINE);
    // The GetContentInfo reply of the install, with the DecryptInfo an admin reads keys from (ime.md §1.1).
    const appWorkload = outcome.readLog("AppWorkload.log");
    expect(appWorkload).toMatch(/Response from Intune = \{\r\n {2}"/);
    expect(appWorkload).toContain("DecryptInfo");
    expect(appWorkload).toContain('"ResponseContentType"');
  });

  it("without a restart the running service keeps its level; the next restart reads it", async () => {
    const { start, outcome, text } = await run(
      "  - { at: 0s, do: setLogLevel, level: Verbose, restartService: false }\n  - { at: 1h, do: restartService }",
    );
    expect(text).toContain(VERBOSE_LINE);
    const verbose = outcome.events.filter((e) => e.phase === "gateway.response");
    expect(verbose.length).toBeGreaterThan(0);
    expect(verbose.every((e) => e.simTime >= start + HOUR)).toBe(true);
  });

  it("companyPortalSync: an MDM sync, then an OnDemand IME check-in; deleteRegistryValue deletes one value", async () => {
    const key = "HKLM\\SOFTWARE\\Contoso";
    const { start, outcome } = await run(
      [
        `  - { at: 1m, do: setRegistry, entries: [{ key: '${key}', name: A, data: x }, { key: '${key}', name: B, data: y }] }`,
        `  - { at: 2m, do: deleteRegistryValue, key: '${key}', name: A }`,
        "  - { at: 0s, do: setLogLevel, level: Verbose }",
        "  - { at: 30m, do: companyPortalSync }",
      ].join("\n"),
    );
    const after = outcome.events.filter((e) => e.simTime >= start + 30 * 60_000);
    expect(after[0]?.phase).toBe("mdm.syncRequested");
    const checkin = after.find((e) => e.phase === "checkin.started");
    expect(checkin?.phase === "checkin.started" && checkin.details.reason).toBe("OnDemand");
    // On the wire: the service echoes the session, whose CheckinReason the verbose reply shows (ime.md §3.1).
    const echoed = after.flatMap((e) =>
      e.phase === "gateway.response" && e.details.requestContentType === "RequestApplication"
        ? [(JSON.parse(e.details.body) as { CheckinReason: string }).CheckinReason]
        : [],
    );
    // The portal's check-in first; the hourly timer's (MaintenanceTimer) may follow within the run.
    expect(echoed[0]).toBe("OnDemand");
    expect(outcome.host.registry.getValue(key, "A", { view: 64 })).toBeUndefined();
    expect(outcome.host.registry.getValue(key, "B", { view: 64 })).toEqual({ type: "REG_SZ", data: "y" });
  });
});
