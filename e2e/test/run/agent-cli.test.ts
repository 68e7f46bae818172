import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildServer, importApp } from "@imesim/mock-service";
import { afterAll, describe, expect, it } from "vitest";

const BIN = fileURLToPath(new URL("../../bin/imesim.js", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "imesim-agent-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the CLI as a child process (the test's own event loop keeps serving the mock meanwhile). */
function runCli(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args]);
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

describe("imesim agent --server", () => {
  it("enrolls with a running service over HTTP and installs what it is assigned", async () => {
    const server = await buildServer({ dataDir: join(dir, "service"), logger: false });
    try {
      const source = join(dir, "pkg");
      mkdirSync(source);
      writeFileSync(join(source, "setup.exe"), "installer");
      await importApp(server, {
        graphApp: {
          "@odata.type": "#microsoft.graph.win32LobApp",
          displayName: "Remote Tool",
          installCommandLine: "setup.exe /S",
          uninstallCommandLine: "setup.exe /uninstall",
          installExperience: { runAsAccount: "system", deviceRestartBehavior: "suppress" },
          returnCodes: [{ returnCode: 0, type: "success" }],
          rules: [
            {
              "@odata.type": "#microsoft.graph.win32LobAppFileSystemRule",
              ruleType: "detection",
              path: "C:\\Program Files\\Remote Tool",
              fileOrFolderName: "tool.exe",
              operationType: "exists",
              operator: "notConfigured",
            },
          ],
        },
        folder: { path: source, setupFile: "setup.exe" },
        assignments: [
          { intent: "required", target: { "@odata.type": "#microsoft.graph.allDevicesAssignmentTarget" } },
        ],
      });
      const url = await server.listen({ port: 0, host: "127.0.0.1" });
      const scenario = join(dir, "behaviour.yaml");
      writeFileSync(
        scenario,
        [
          "name: remote device",
          "duration: 1h",
          "apps:",
          "  - name: Remote Tool",
          "    short: { install: setup.exe /S, detection: [{ file: C:\\Program Files\\Remote Tool\\tool.exe }] }",
          "installers:",
          "  - match: setup.exe /S",
          "    attempts: [{ files: [{ path: C:\\Program Files\\Remote Tool\\tool.exe }] }]",
          "",
        ].join("\n"),
      );
      const result = await runCli([
        "agent",
        "--server",
        url,
        "--scenario",
        scenario,
        "--run-for",
        "30m",
        "--device",
        join(dir, "device.db"),
      ]);
      expect(result.stderr).toBe("");
      expect(result.status).toBe(0);
      expect(result.stdout).toMatch(/device [0-9a-f-]{36} \(IMESIM-AGENT\) enrolled/);
      expect(result.stdout).toContain("exit code 0 → Success");
      expect(result.stdout).toMatch(/: 1000 Success/);
    } finally {
      await server.close();
    }
  });

  it("enrolls without users, saying so, while the service lacks the scenario's users; with them it enrolls them", async () => {
    const server = await buildServer({ dataDir: join(dir, "service-users"), logger: false });
    try {
      const url = await server.listen({ port: 0, host: "127.0.0.1" });
      const scenario = join(dir, "with-user.yaml");
      writeFileSync(
        scenario,
        [
          "name: a user's device",
          "duration: 1h",
          "device:",
          "  users:",
          "    - name: alice",
          "      loggedOn: true",
          "apps:",
          "  - name: Tool",
          "    short: { install: setup.exe /S, detection: [{ file: C:\\Tool\\tool.exe }] }",
          "",
        ].join("\n"),
      );
      const run = (name: string) =>
        runCli(["agent", "--server", url, "--scenario", scenario, "--name", name, "--run-for", "5m"]);
      const userless = await run("NO-USERS");
      expect(userless.status).toBe(0);
      expect(userless.stderr).toContain("the service has no user alice@contoso.com");
      expect(userless.stderr).toContain("enrolling without users (system context only)");
      const devices = () => server.intune.store.listDevices();
      expect(devices().find((device) => device.name === "NO-USERS")?.users).toEqual([]);

      const token = await server.intune.tokens.issueAdminToken("test", "https://graph.microsoft.com");
      const { enrollmentUsersOf } = await import("../../src/run/tenant-users.ts");
      const { loadScenarioFile } = await import("../../src/scenario/index.ts");
      const [alice] = enrollmentUsersOf(loadScenarioFile(scenario));
      const created = await server.inject({
        method: "POST",
        url: "/beta/users",
        headers: { authorization: `Bearer ${token}` },
        payload: alice,
      });
      expect(created.statusCode).toBe(201);
      const withUsers = await run("WITH-USERS");
      expect(withUsers.stderr).toBe("");
      expect(withUsers.status).toBe(0);
      expect(
        devices()
          .find((device) => device.name === "WITH-USERS")
          ?.users.map((user) => user.id),
      ).toEqual([alice?.id]);
    } finally {
      await server.close();
    }
  }, 90_000);

  it("refuses a malformed --server in one line naming the URL, exit 2", async () => {
    const result = await runCli(["agent", "--server", "notaurl", "--run-for", "1m"]);
    expect(result.status).toBe(2);
    expect(result.stderr.split("\n")[0]).toBe(
      "error: option '--server <url>' argument 'notaurl' is invalid. not an absolute URL (Invalid URL)",
    );
    expect(result.stderr).not.toContain("    at ");
  });

  it("refuses a --server that is not http or https, exit 2", async () => {
    const result = await runCli(["agent", "--server", "ftp://127.0.0.1/", "--run-for", "1m"]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(
      "argument 'ftp://127.0.0.1/' is invalid. must be http: or https:, not ftp:",
    );
  });

  it("reports an unreachable service in one line naming the URL and the cause, exit 1", async () => {
    const result = await runCli(["agent", "--server", "http://127.0.0.1:1", "--run-for", "1m"]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(
      /^imesim agent: cannot enroll with http:\/\/127\.0\.0\.1:1: enrollment: .*ECONNREFUSED.* \[SERVICE_UNAVAILABLE\]\n$/,
    );
    expect(result.stdout).toBe("");
  });
});
