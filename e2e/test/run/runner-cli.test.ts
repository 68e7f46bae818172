import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildServer, type MockIntuneServer } from "@imesim/mock-service";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { spawnImesim } from "./spawn-imesim.ts";

const SCENARIOS = fileURLToPath(new URL("../../scenarios", import.meta.url));
const BROKEN = fileURLToPath(new URL("../containers/scenarios/broken-expectation.yaml", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "imesim-runner-cli-"));
let server: MockIntuneServer | undefined;
let url = "";

// The runner sets the scenario's faults through the admin plane with the token compose gives both (contract A).
const ADMIN_TOKEN = "runner-cli-admin-token-0123456789";

// Each run gets its own tenant, as each `docker compose up` does.
beforeEach(async () => {
  server = await buildServer({
    dataDir: mkdtempSync(join(dir, "service-")),
    logger: false,
    adminToken: ADMIN_TOKEN,
  });
  url = await server.listen({ port: 0, host: "127.0.0.1" });
});
afterEach(async () => {
  await server?.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const runCli = spawnImesim;

/** The compose run in processes: the runner publishes, then one agent runs the scenario at 600×. */
async function runAcrossProcesses(scenario: string, name: string) {
  const outputs = join(dir, name);
  const published = join(dir, `${name}.published`);
  const runner = runCli([
    "runner",
    scenario,
    "--server",
    url,
    "--outputs",
    outputs,
    "--speed",
    "600",
    "--published",
    published,
    "--timeout",
    "3m",
    "--admin-token",
    ADMIN_TOKEN,
  ]);
  const deadline = Date.now() + 60_000;
  while (!existsSync(published) && Date.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 200));
  const device = join(outputs, "pc-1");
  const agent = await runCli([
    "agent",
    "--server",
    url,
    "--scenario",
    scenario,
    "--speed",
    "600",
    "--run-for",
    "scenario",
    "--out",
    device,
    "--device",
    join(device, "device.db"),
    "--name",
    "PC-1",
  ]);
  expect(agent.stderr).toBe("");
  return runner;
}

describe("imesim runner", () => {
  it("publishes the scenario, waits for its agent and judges it PASS from Graph and the agent's outputs, exit 0", async () => {
    const result = await runAcrossProcesses(join(SCENARIOS, "required-install.yaml"), "pass");
    expect(result.stderr).toBe("");
    expect(result.stdout).toMatch(/runner: app Notepad\+\+ published as [0-9a-f-]{36}/);
    expect(result.stdout).toContain("✓ expect[1] file C:\\Program Files\\Notepad++\\notepad++.exe: exists");
    expect(result.stdout).toContain('✓ expect[3] service status of "Notepad++": installState installed');
    expect(result.stdout).toContain("PASS: 7 expectation(s) held");
    expect(result.status).toBe(0);
    expect(existsSync(join(dir, "pass", "report.json"))).toBe(true);
  }, 120_000);

  it("publishes compliance policies with their discovery scripts and judges them from Graph (issue 16)", async () => {
    const result = await runAcrossProcesses(join(SCENARIOS, "custom-compliance.yaml"), "compliance");
    expect(result.stdout).toMatch(/runner: compliance policy Disk space published as [0-9a-f-]{36}/);
    expect(result.stdout).toMatch(
      /✓ expect\[\d+\] Graph deviceStatuses of compliance policy "Disk space": expected compliant, found compliant/,
    );
    expect(result.stdout).toMatch(/PASS: \d+ expectation\(s\) held/);
    expect(result.status).toBe(0);
  }, 180_000);

  it("refuses, exit 2, a scenario with an admin's edit at a simulated time, naming it", async () => {
    const result = await runCli([
      "runner",
      join(SCENARIOS, "platform-scripts.yaml"),
      "--server",
      url,
      "--outputs",
      join(dir, "refused"),
    ]);
    expect(result.stderr).toMatch(/not runnable in containers: the editPlatformScript of "[^"]+" at 20h/);
    expect(result.status).toBe(2);
  });

  it("exits 1 naming the broken expectation", async () => {
    const result = await runAcrossProcesses(BROKEN, "broken");
    expect(result.stdout).toContain('✗ expect[0] app "Notepad++" attempts: expected 2 install runs, found 1');
    expect(result.stdout).toContain("FAIL: 1 of 7 expectation(s) broken");
    expect(result.status).toBe(1);
  }, 120_000);
});
