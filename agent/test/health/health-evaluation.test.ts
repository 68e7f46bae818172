// The health evaluation task on virtual time (issue 16, ime.md §8): its daily schedule with a seeded random
// delay, each HealthCheck.xml check and its remediation, ClientHealth.log and HealthReport.json, and the repair of
// a stopped, disabled IME through the agent's restart path, after which check-ins resume.
import { createDevice } from "@imesim/agent/host";
import { describe, expect, it } from "vitest";
import { createAgent } from "../../src/agent.ts";
import { createVirtualClock } from "../../src/clock/index.ts";
import { type ImeEvent, recordEvents } from "../../src/events/index.ts";
import {
  defaultHealthChecks,
  formatHealthCheckXml,
  HEALTH_CHECK_XML_PATH,
  HEALTH_REPORT_PATH,
  IME_SERVICE_NAME,
  nextHealthRun,
  parseHealthCheckXml,
  parseHealthReport,
  randomDelayMs,
} from "../../src/health/index.ts";
import { createScriptedInstaller } from "../../src/host/installer/scripted.ts";
import { findService, setServiceStart, setServiceWorkingSetMb } from "../../src/host/process/services.ts";
import { IME_LOGS_DIR } from "../../src/ime/paths.ts";
import { parseCmtrace } from "../../src/log/cmtrace.ts";
import { createFakeService, fakeCodec, fileRegistryEvaluator } from "../support/fakes.ts";
import { HOUR, T0 } from "../support/harness.ts";

const DAY = 24 * HOUR;

function setup(health: boolean | { seed?: string; memoryThresholdMb?: number } = true) {
  const clock = createVirtualClock(T0);
  const device = createDevice({ backend: "memory", clock });
  const fake = createFakeService(clock);
  const agent = createAgent({
    deviceId: "dev-1",
    device,
    clock,
    service: fake.client,
    installer: createScriptedInstaller([]),
    evaluator: fileRegistryEvaluator,
    codec: fakeCodec,
    health,
  });
  const { events } = recordEvents(agent.events);
  const phase = <P extends ImeEvent["phase"]>(p: P) =>
    events.filter((e): e is Extract<ImeEvent, { phase: P }> => e.phase === p);
  const report = () =>
    parseHealthReport(Buffer.from(device.fs.readFile(HEALTH_REPORT_PATH)).toString("utf8"));
  return { clock, device, agent, events, phase, report, runTo: (ms: number) => clock.runUntil(T0 + ms) };
}

describe("health task schedule", () => {
  it("draws one delay per day from the seed: under an hour, whole seconds, the same for the same seed", () => {
    const delays = [1, 2, 3, 4, 5].map((day) => randomDelayMs("device-a", day));
    expect(delays).toEqual([1, 2, 3, 4, 5].map((day) => randomDelayMs("device-a", day)));
    for (const delay of delays) {
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThan(HOUR);
      expect(delay % 1000).toBe(0);
    }
    expect(new Set(delays).size).toBeGreaterThan(1);
    expect(randomDelayMs("device-b", 1)).not.toBe(randomDelayMs("device-a", 1));
  });

  it("runs daily from the install time plus the day's delay", () => {
    const first = nextHealthRun(T0, T0, "s");
    expect(first.day).toBe(1);
    expect(first.runAt).toBe(T0 + DAY + randomDelayMs("s", 1));
    const second = nextHealthRun(T0, first.runAt, "s");
    expect(second.day).toBe(2);
    expect(second.runAt).toBe(T0 + 2 * DAY + randomDelayMs("s", 2));
  });

  it("runs on the agent's clock once a day, at the seeded times, and finds a healthy IME healthy", async () => {
    const h = setup({ seed: "fixed" });
    h.agent.start();
    await h.runTo(3 * DAY - 1);
    const runs = h.phase("health.started").map((e) => e.simTime);
    expect(runs).toEqual([1, 2].map((day) => T0 + day * DAY + randomDelayMs("fixed", day)));
    expect(h.phase("health.completed").map((e) => e.details.overallState)).toEqual(["Healthy", "Healthy"]);
    expect(h.report().Checks.map((c) => c.Result)).toEqual(Array(6).fill("Passed"));
    h.agent.dispose();
  });
});

describe("health checks and remediations", () => {
  it("the install registers the IME service (automatic) and writes HealthCheck.xml", () => {
    const h = setup();
    const service = findService(h.device.registry, IME_SERVICE_NAME);
    expect(service).toMatchObject({
      displayName: "Microsoft Intune Management Extension",
      start: 2,
      running: false,
    });
    const xml = Buffer.from(h.device.fs.readFile(HEALTH_CHECK_XML_PATH)).toString("utf8");
    expect(xml).toContain('<Applicability OS="ALL" ClientVersion="ALL"/>');
    expect(parseHealthCheckXml(xml)).toEqual(defaultHealthChecks());
    h.agent.dispose();
  });

  it("repairs a stopped and disabled IME through the restart path; check-ins resume only then", async () => {
    const h = setup({ seed: "fixed" });
    h.agent.start();
    await h.runTo(2 * HOUR);
    h.agent.stop();
    setServiceStart(h.device.registry, IME_SERVICE_NAME, 4);
    expect(findService(h.device.registry, IME_SERVICE_NAME)?.running).toBe(false);
    const runAt = T0 + DAY + randomDelayMs("fixed", 1);
    await h.runTo(runAt - T0 + 2 * HOUR);
    const checkins = h.phase("checkin.started").map((e) => e.simTime);
    // Nothing between the stop and the repair: a stopped IME stays stopped.
    expect(checkins.filter((t) => t > T0 + 2 * HOUR && t < runAt)).toEqual([]);
    expect(checkins.filter((t) => t > runAt).length).toBeGreaterThan(0);
    expect(
      h.phase("health.remediated").map((e) => [e.details.checkId, e.details.action, e.details.succeeded]),
    ).toEqual([
      ["IMEServiceStartupType", "resetStartupType", true],
      ["IMEServiceRunning", "startService", true],
    ]);
    expect(h.phase("service.started").at(-1)).toMatchObject({
      simTime: runAt,
      details: { reason: "restart" },
    });
    expect(h.phase("checkin.started").find((e) => e.simTime > runAt)?.details.reason).toBe("AgentRestart");
    expect(findService(h.device.registry, IME_SERVICE_NAME)).toMatchObject({ start: 2, running: true });
    const report = h.report();
    expect(report.OverallState).toBe("Remediated");
    expect(report.Checks.find((c) => c.ID === "IMEServiceRunning")).toMatchObject({
      Result: "Remediated",
      Observed: "Stopped",
      Remediation: { Action: "startService", Succeeded: true },
    });
    h.agent.dispose();
  });

  it("a disabled IME stays down across a reboot until the health task repairs it", async () => {
    const h = setup({ seed: "fixed" });
    h.agent.start();
    await h.runTo(2 * HOUR);
    setServiceStart(h.device.registry, IME_SERVICE_NAME, 4);
    h.agent.trigger("reboot");
    const runAt = T0 + DAY + randomDelayMs("fixed", 1);
    await h.runTo(runAt - T0 + HOUR);
    const starts = h.phase("service.started").map((e) => [e.simTime, e.details.reason]);
    // Windows does not start a disabled service at boot: the next start is the task's repair.
    expect(starts.filter(([time]) => (time as number) > T0 + 2 * HOUR)).toEqual([[runAt, "restart"]]);
    expect(h.phase("checkin.started").filter((e) => e.simTime > T0 + 2 * HOUR && e.simTime < runAt)).toEqual(
      [],
    );
    expect(findService(h.device.registry, IME_SERVICE_NAME)).toMatchObject({ start: 2, running: true });
    h.agent.dispose();
  });

  it("an IME set back to automatic starts at the next boot as before", async () => {
    const h = setup({ seed: "fixed" });
    h.agent.start();
    await h.runTo(2 * HOUR);
    h.agent.trigger("reboot");
    await h.runTo(3 * HOUR);
    expect(h.phase("service.started").map((e) => e.details.reason)).toEqual(["start", "reboot"]);
    h.agent.dispose();
  });

  it("restarts an IME whose working set is over the HealthCheck.xml limit", async () => {
    const h = setup({ seed: "fixed", memoryThresholdMb: 300 });
    h.agent.start();
    await h.runTo(HOUR);
    setServiceWorkingSetMb(h.device.registry, IME_SERVICE_NAME, 900);
    await h.runTo(DAY + HOUR);
    const memory = h.phase("health.checked").find((e) => e.details.checkId === "IMEProcessMemory");
    expect(memory?.details).toMatchObject({ passed: false, observed: "900 MB", expected: "<= 300 MB" });
    expect(h.phase("health.remediated").map((e) => e.details.action)).toEqual(["restartService"]);
    expect(h.phase("service.stopping").length).toBe(1);
    expect(h.report().OverallState).toBe("Remediated");
    h.agent.dispose();
  });

  it("creates a missing log folder", async () => {
    const h = setup({ seed: "fixed" });
    h.agent.start();
    await h.runTo(HOUR);
    h.device.fs.remove(IME_LOGS_DIR);
    await h.runTo(DAY + HOUR);
    expect(h.device.fs.stat(IME_LOGS_DIR)?.kind).toBe("directory");
    expect(h.report().Checks.find((c) => c.ID === "IMELogsFolder")).toMatchObject({
      Result: "Remediated",
      Observed: "Missing",
    });
    h.agent.dispose();
  });

  it("cannot start a disabled service when HealthCheck.xml no longer resets the start-up type", async () => {
    const h = setup({ seed: "fixed" });
    h.device.fs.writeFile(
      HEALTH_CHECK_XML_PATH,
      formatHealthCheckXml(defaultHealthChecks().filter((c) => c.type !== "ServiceStartupType")),
    );
    h.agent.start();
    await h.runTo(HOUR);
    h.agent.stop();
    setServiceStart(h.device.registry, IME_SERVICE_NAME, 4);
    await h.runTo(DAY + HOUR);
    expect(h.phase("health.remediated")[0]?.details).toMatchObject({
      action: "startService",
      succeeded: false,
    });
    expect(h.report().OverallState).toBe("Unhealthy");
    expect(h.phase("health.checked")).toHaveLength(5);
    expect(h.phase("checkin.started").filter((e) => e.simTime > T0 + HOUR)).toEqual([]);
    h.agent.dispose();
  });

  it("cannot repair a deleted service: Unhealthy, the service checks find nothing and nothing is started", async () => {
    const h = setup({ seed: "fixed" });
    h.agent.start();
    await h.runTo(HOUR);
    h.agent.stop();
    h.device.registry.deleteKey(`HKLM\\SYSTEM\\CurrentControlSet\\Services\\${IME_SERVICE_NAME}`, {
      view: 64,
    });
    await h.runTo(DAY + HOUR);
    const report = h.report();
    expect(report.OverallState).toBe("Unhealthy");
    expect(report.Checks.slice(0, 3).map((c) => [c.ID, c.Result, c.Observed])).toEqual([
      ["IMEServiceExists", "Failed", "NotFound"],
      ["IMEServiceStartupType", "Failed", "NotFound"],
      ["IMEServiceRunning", "Failed", "NotFound"],
    ]);
    expect(h.phase("health.remediated")).toEqual([]);
    expect(h.phase("service.started")).toHaveLength(1);
    h.agent.dispose();
  });

  it("reports an unreadable HealthCheck.xml and checks nothing", async () => {
    const h = setup({ seed: "fixed" });
    h.device.fs.writeFile(
      HEALTH_CHECK_XML_PATH,
      '<HealthChecks><HealthCheck ID="x" Type="Bogus"/></HealthChecks>',
    );
    h.agent.start();
    await h.runTo(DAY + HOUR);
    expect(h.phase("health.configInvalid")[0]?.details.message).toContain('Type "Bogus"');
    expect(h.report()).toMatchObject({ OverallState: "Unhealthy", Checks: [] });
    h.agent.dispose();
  });
});

describe("ClientHealth.log and HealthReport.json", () => {
  it("writes CMTrace lines from the ClientHealth and IntuneManagementExtension components", async () => {
    const h = setup({ seed: "fixed" });
    h.agent.start();
    await h.runTo(HOUR);
    h.agent.stop();
    await h.runTo(DAY + HOUR);
    const records = parseCmtrace(h.agent.logs.read("ClientHealth"));
    expect(records[0]).toMatchObject({
      component: "IntuneManagementExtension",
      message: "ClientHealthEval started by scheduled task 'Intune Management Extension Health Evaluation'",
    });
    expect(records.find((r) => r.message.startsWith("[ServiceStatus] IMEServiceRunning"))).toMatchObject({
      component: "ClientHealth",
      type: 2,
      message: "[ServiceStatus] IMEServiceRunning: expected Running, found Stopped. Result: Failed",
    });
    expect(records.at(-1)?.message).toBe(`Health report written to ${HEALTH_REPORT_PATH}`);
    const text = Buffer.from(h.device.fs.readFile(HEALTH_REPORT_PATH)).toString("utf8");
    expect(text.endsWith("}\r\n")).toBe(true);
    expect(h.report()).toMatchObject({
      Schema: "imesim-health-report/1",
      EvaluationTimeUtc: new Date(h.phase("health.started")[0]!.simTime).toISOString(),
      AgentVersion: "1.101.111.0",
      OverallState: "Remediated",
    });
    h.agent.dispose();
  });

  it("is off unless asked for: no service key, no task, no ClientHealth.log", async () => {
    const h = setup(false);
    h.agent.start();
    await h.runTo(DAY + 2 * HOUR);
    expect(findService(h.device.registry, IME_SERVICE_NAME)).toBeUndefined();
    expect(h.events.filter((e) => e.phase.startsWith("health."))).toEqual([]);
    expect(h.agent.logs.read("ClientHealth")).toBe("\uFEFF");
    h.agent.dispose();
  });
});
