import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { defaultTenantId } from "@imesim/mock-service";
import type { StartedTestContainer } from "testcontainers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHttpChannel } from "../../src/containers/http-channel.ts";
import { runInContainers } from "../../src/containers/runner.ts";
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

const started: StartedTestContainer[] = [];
const dir = sharedFolder("imesim-tc-scenario-");
let port = 0;
let server = "";

beforeAll(async () => {
  port = await freePort();
  server = `http://127.0.0.1:${port}`;
  started.push(await startMock(sharedFolder("imesim-tc-data-"), port));
}, 180_000);

afterAll(async () => {
  for (const container of started.reverse()) await container.stop({ timeout: 5_000 });
  removeSharedFolders();
}, 60_000);

describe("the images under testcontainers", () => {
  it("the mock answers GET /health 200 with the store and data folder ok", async () => {
    const response = await fetch(`${server}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok", checks: { store: "ok", dataDir: "ok" } });
  });

  it("runs a scenario on two agent containers to PASS, every device installed as Graph reports it", async () => {
    const scenario = loadScenarioFile(join(SCENARIOS, "required-install.yaml"));
    const channel = createHttpChannel({ server, tenantId: defaultTenantId, ...CLIENT });
    const outputs = sharedFolder("imesim-tc-outputs-");
    const published = join(dir, "published");
    // The agents start once the test, as the runner, has published (the compose order).
    const agents = (async () => {
      await waitFor("the scenario to be published", 120_000, () => existsSync(published));
      for (const name of ["TC-PC-1", "TC-PC-2"])
        started.push(
          await startAgent({
            port,
            out: join(outputs, name),
            scenario: "required-install.yaml",
            name,
            speed: 300,
          }),
        );
    })();
    const result = await runInContainers(scenario, {
      channel,
      adminToken: ADMIN_TOKEN,
      outputs,
      agents: 2,
      publishedMarker: published,
      timeoutMs: 240_000,
      log: () => {},
    });
    await agents;
    expect(result.expectations.filter((check) => !check.passed)).toEqual([]);
    expect(result.passed).toBe(true);
    expect(result.devices.map((device) => device.deviceName).sort()).toEqual([
      "TC-PC-1 (TC-PC-1)",
      "TC-PC-2 (TC-PC-2)",
    ]);
    // The service's own view, as an admin's script reads it.
    const [app] = await channel.list("/beta/deviceAppManagement/mobileApps");
    const statuses = await channel.list(
      `/beta/deviceAppManagement/mobileApps/${String(app?.id)}/deviceStatuses`,
    );
    expect(statuses.map((status) => [status.deviceName, status.installState]).sort()).toEqual([
      ["TC-PC-1", "installed"],
      ["TC-PC-2", "installed"],
    ]);
    expect(readFileSync(join(outputs, "TC-PC-1", "Logs", "AppWorkload.log"), "utf8")).toContain(
      "lpExitCode is defined as Success",
    );
  }, 360_000);
});
