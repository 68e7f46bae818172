import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { defaultTenantId, type FaultPlan } from "@imesim/mock-service";
import type { StartedTestContainer } from "testcontainers";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { createHttpChannel } from "../../src/containers/http-channel.ts";
import { publishScenario } from "../../src/containers/runner.ts";
import { AGENT_OUTPUT } from "../../src/remote/agent-outputs.ts";
import { loadScenarioFile } from "../../src/scenario/index.ts";
import {
  ADMIN_TOKEN,
  CLIENT,
  freePort,
  removeSharedFolders,
  SCENARIOS,
  sharedFolder,
  startAgent,
  startMock,
  waitFor,
} from "./support.ts";

const TEST_SCENARIOS = fileURLToPath(new URL("./scenarios", import.meta.url));
const started: StartedTestContainer[] = [];
afterEach(async () => {
  for (const container of started.splice(0).reverse())
    await container.stop({ timeout: 5_000 }).catch(() => {});
}, 60_000);
afterAll(removeSharedFolders);

interface LoggedEvent {
  readonly phase: string;
  readonly details: { readonly report?: { readonly EnforcementState?: number | null } };
}

function eventsIn(out: string): LoggedEvent[] {
  const file = join(out, AGENT_OUTPUT.events);
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as LoggedEvent);
}

/**
 * Publishes `scenario`, runs an agent container until its events show `phase`, SIGKILLs it, starts a new
 * container on the same output folder (the SQLite device and its saved identity), and waits for it to finish.
 */
async function killAndResume(options: {
  readonly dir: string;
  readonly scenarioDir: string;
  readonly scenarioName: string;
  readonly killAt: string;
  readonly faults?: FaultPlan;
}): Promise<{ out: string; channel: ReturnType<typeof createHttpChannel> }> {
  const port = await freePort();
  started.push(await startMock(sharedFolder("imesim-tc-crash-data-"), port));
  const server = `http://127.0.0.1:${port}`;
  const channel = createHttpChannel({ server, tenantId: defaultTenantId, ...CLIENT });
  await publishScenario(loadScenarioFile(join(options.scenarioDir, options.scenarioName)), {
    channel,
    adminToken: ADMIN_TOKEN,
    log: () => {},
  });
  if (options.faults !== undefined) {
    const response = await channel.send({
      method: "POST",
      url: "/admin/faults",
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      payload: options.faults,
    });
    expect(response.statusCode).toBe(200);
  }
  const out = join(options.dir, "device");
  const agent = {
    port,
    out,
    scenario: options.scenarioName,
    scenarioDir: options.scenarioDir,
    name: "TC-CRASH",
    speed: 120,
  } as const;
  const first = await startAgent(agent);
  started.push(first);
  await waitFor(`the agent to reach ${options.killAt}`, 150_000, () =>
    eventsIn(out).some((event) => event.phase === options.killAt),
  );
  const kill = spawnSync("docker", ["kill", "--signal", "KILL", first.getId()], { encoding: "utf8" });
  expect(kill.status, kill.stderr).toBe(0);
  expect(existsSync(join(out, AGENT_OUTPUT.finished))).toBe(false);
  started.push(await startAgent(agent));
  await waitFor("the restarted agent to finish", 200_000, () => existsSync(join(out, AGENT_OUTPUT.finished)));
  return { out, channel };
}

/** What the service and the device say after the restart: one device, installed, one success report. */
async function expectOneSuccess(out: string, channel: ReturnType<typeof createHttpChannel>): Promise<void> {
  const finished = JSON.parse(readFileSync(join(out, AGENT_OUTPUT.finished), "utf8")) as { failure?: string };
  expect(finished.failure).toBeUndefined();
  const events = eventsIn(out);
  // Both runs appended to one events file: the second started again from the same device.
  expect(events.filter((event) => event.phase === "service.started")).toHaveLength(2);
  const successReports = events.filter(
    (event) => event.phase === "report.sent" && event.details.report?.EnforcementState === 1000,
  );
  expect(successReports).toHaveLength(1);
  const [app] = await channel.list("/beta/deviceAppManagement/mobileApps");
  const statuses = await channel.list(
    `/beta/deviceAppManagement/mobileApps/${String(app?.id)}/deviceStatuses`,
  );
  expect(statuses.map((status) => [status.deviceName, status.installState])).toEqual([
    ["TC-CRASH", "installed"],
  ]);
}

describe("an agent container killed with SIGKILL", () => {
  it("mid-download: restarted on the same SQLite device, it resumes and reports success once", async () => {
    const dir = sharedFolder("imesim-tc-crash-download-");
    const { out, channel } = await killAndResume({
      dir,
      scenarioDir: SCENARIOS,
      scenarioName: "required-install.yaml",
      killAt: "download.started",
      // The first content request hangs 20 s: the kill lands while the download is open.
      faults: { rules: [{ match: { route: "content" }, effect: { kind: "latency", ms: 20_000 }, times: 1 }] },
    });
    await expectOneSuccess(out, channel);
  }, 420_000);

  it("mid-install: restarted on the same SQLite device, it installs again and reports success once", async () => {
    const dir = sharedFolder("imesim-tc-crash-install-");
    const { out, channel } = await killAndResume({
      dir,
      scenarioDir: TEST_SCENARIOS,
      scenarioName: "slow-install.yaml",
      killAt: "install.started",
    });
    await expectOneSuccess(out, channel);
  }, 420_000);
});
