import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildServer, importApp, type MockIntuneServer } from "@imesim/mock-service";
import { afterAll, describe, expect, it } from "vitest";

const BIN = fileURLToPath(new URL("../../bin/imesim.js", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "imesim-filter-agent-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function runAgent(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, "agent", ...args]);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
    });
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}

/** Creates an assignment filter through Graph, as an admin script would. */
async function createFilter(server: MockIntuneServer, rule: string): Promise<string> {
  const token = await server.inject({
    method: "POST",
    url: `/${server.intune.tokens.tenantId}/oauth2/v2.0/token`,
    payload: new URLSearchParams({
      grant_type: "client_credentials",
      client_id: "11111111-2222-3333-4444-555555555555",
      client_secret: "secret",
      scope: "https://graph.microsoft.com/.default",
    }).toString(),
    headers: { "content-type": "application/x-www-form-urlencoded" },
  });
  const created = await server.inject({
    method: "POST",
    url: "/beta/deviceManagement/assignmentFilters",
    payload: { displayName: "Surface only", platform: "windows10AndLater", rule },
    headers: { authorization: `Bearer ${token.json().access_token}` },
  });
  expect(created.statusCode).toBe(201);
  return created.json().id as string;
}

describe("an assignment filter, end to end: service evaluates, the agent obeys", () => {
  it("an app whose include filter leaves the device out is not installed and ends not applicable", async () => {
    const server = await buildServer({ dataDir: join(dir, "service") });
    try {
      const filterId = await createFilter(server, 'device.model -startsWith "Surface"');
      const source = join(dir, "pkg");
      mkdirSync(source);
      writeFileSync(join(source, "setup.exe"), "installer");
      await importApp(server, {
        graphApp: {
          "@odata.type": "#microsoft.graph.win32LobApp",
          displayName: "Surface Tool",
          installCommandLine: "setup.exe /S",
          uninstallCommandLine: "setup.exe /uninstall",
          installExperience: { runAsAccount: "system", deviceRestartBehavior: "suppress" },
          returnCodes: [{ returnCode: 0, type: "success" }],
          rules: [
            {
              "@odata.type": "#microsoft.graph.win32LobAppFileSystemRule",
              ruleType: "detection",
              path: "C:\\Program Files\\Surface Tool",
              fileOrFolderName: "tool.exe",
              operationType: "exists",
              operator: "notConfigured",
            },
          ],
        },
        folder: { path: source, setupFile: "setup.exe" },
        assignments: [
          {
            intent: "required",
            target: {
              "@odata.type": "#microsoft.graph.allDevicesAssignmentTarget",
              deviceAndAppManagementAssignmentFilterId: filterId,
              deviceAndAppManagementAssignmentFilterType: "include",
            },
          },
        ],
      });
      const url = await server.listen({ port: 0, host: "127.0.0.1" });
      const scenario = join(dir, "behaviour.yaml");
      writeFileSync(
        scenario,
        [
          "name: filtered device",
          "duration: 1h",
          "apps:",
          "  - name: Surface Tool",
          "    short: { install: setup.exe /S, detection: [{ file: C:\\Program Files\\Surface Tool\\tool.exe }] }",
          "installers:",
          "  - match: setup.exe /S",
          "    attempts: [{ files: [{ path: C:\\Program Files\\Surface Tool\\tool.exe }] }]",
          "",
        ].join("\n"),
      );
      const result = await runAgent(["--server", url, "--scenario", scenario, "--run-for", "30m"]);
      expect(result.stderr).toBe("");
      expect(result.status).toBe(0);
      expect(result.stdout).not.toContain("exit code 0 → Success");
      // The agent enrolls without a model, so the include filter leaves it out: 1010 in its policy (ime.md §7.6).
      expect(result.stdout).toContain("subgraph skipped (assignmentFilters)");
      expect(result.stdout).toMatch(/RequirementsNotMet/);
    } finally {
      await server.close();
    }
    // A child agent process on a busy machine (the full suite) takes well over vitest's 30 s default.
  }, 120_000);
});
