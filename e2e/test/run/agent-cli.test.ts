import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildServer, importApp, type MockIntuneServer } from "@imesim/mock-service";
import { afterAll, describe, expect, it } from "vitest";
import { BIN, spawnImesim } from "./spawn-imesim.ts";

const dir = mkdtempSync(join(tmpdir(), "imesim-agent-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const runCli = spawnImesim;

/** Publishes a required app for all devices from a folder whose setup file is the command line's first word. */
async function publishRequired(
  server: MockIntuneServer,
  displayName: string,
  installCommandLine: string,
  folder: string,
  detection: Record<string, unknown>,
): Promise<void> {
  await importApp(server, {
    graphApp: {
      "@odata.type": "#microsoft.graph.win32LobApp",
      displayName,
      installCommandLine,
      uninstallCommandLine: installCommandLine,
      installExperience: { runAsAccount: "system", deviceRestartBehavior: "suppress" },
      returnCodes: [{ returnCode: 0, type: "success" }],
      rules: [detection],
    },
    folder: { path: folder, setupFile: installCommandLine.split(" ")[0] ?? installCommandLine },
    assignments: [
      { intent: "required", target: { "@odata.type": "#microsoft.graph.allDevicesAssignmentTarget" } },
    ],
  });
}

describe("imesim agent --server", () => {
  // Two child processes and a package pack: well past the default 30 s on a loaded two-core machine.
  it("enrolls with a running service over HTTP and installs what it is assigned", {
    timeout: 90_000,
  }, async () => {
    const server = await buildServer({ dataDir: join(dir, "service"), logger: false });
    try {
      const source = join(dir, "pkg");
      mkdirSync(source);
      writeFileSync(join(source, "setup.exe"), "installer");
      await publishRequired(server, "Remote Tool", "setup.exe /S", source, {
        "@odata.type": "#microsoft.graph.win32LobAppFileSystemRule",
        ruleType: "detection",
        path: "C:\\Program Files\\Remote Tool",
        fileOrFolderName: "tool.exe",
        operationType: "exists",
        operator: "notConfigured",
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

  it("runs a package's real install.cmd with the cmd model, on a --speed clock, from a scenario without apps, naming apps and the first check-in wait", {
    timeout: 90_000,
  }, async () => {
    const server = await buildServer({ dataDir: join(dir, "service-cmd"), logger: false });
    try {
      const source = join(dir, "pkg-cmd");
      mkdirSync(source);
      // Before `imesim agent` used the installer model, every real script ended with exit 9009 here.
      writeFileSync(
        join(source, "install.cmd"),
        [
          "@echo off",
          'reg add "HKLM\\SOFTWARE\\Contoso\\Cmd Tool" /v Version /d 1.0 /f',
          "exit /b 0",
          "",
        ].join("\r\n"),
      );
      await publishRequired(server, "Cmd Tool", "install.cmd", source, {
        "@odata.type": "#microsoft.graph.win32LobAppRegistryRule",
        ruleType: "detection",
        check32BitOn64System: true,
        keyPath: "HKEY_LOCAL_MACHINE\\SOFTWARE\\Contoso\\Cmd Tool",
        valueName: "Version",
        operationType: "exists",
        operator: "notConfigured",
      });
      const url = await server.listen({ port: 0, host: "127.0.0.1" });
      const scenario = join(dir, "device-only.yaml");
      writeFileSync(scenario, "name: device only\nduration: 1h\ndevice: { name: PC-CMD }\n");
      const out = join(dir, "out-cmd");
      const wallStart = performance.now();
      const result = await runCli([
        "agent",
        "--server",
        url,
        "--scenario",
        scenario,
        "--speed",
        "300",
        "--run-for",
        "1h",
        "--out",
        out,
      ]);
      const wallMs = performance.now() - wallStart;
      expect(result.stderr).toBe("");
      expect(result.status).toBe(0);
      // An hour at 300× takes 12 s, not an hour.
      expect(wallMs).toBeGreaterThan(11_000);
      expect(wallMs).toBeLessThan(60_000);
      expect(result.stdout).toMatch(
        /waiting 147 s for the first check-in \(at \d{4}-\d\d-\d\dT[\d:.]+Z, 0\.5 s at 300×\)/,
      );
      expect(result.stdout).toContain("Cmd Tool: exit code 0 → Success");
      expect(result.stdout).toContain("Cmd Tool: 1000 Success");
      // cmd's "not recognized" exit code, never as part of a random device id.
      expect(result.stdout).not.toMatch(/exit code 9009/);
      const finished = JSON.parse(readFileSync(join(out, "agent.json"), "utf8")) as { failure?: string };
      expect(finished.failure).toBeUndefined();
      expect(existsSync(join(out, "IntuneManagementExtension.reg"))).toBe(true);
      expect(readFileSync(join(out, "Logs", "AppWorkload.log"), "utf8")).toContain("install.cmd");
      // A device on its own inventories its apps and delivers them (issue 16).
      expect(readFileSync(join(out, "Logs", "Win32AppInventory.log"), "utf8")).toContain(
        "Sent ApplicationInventory (Full)",
      );
      const phases = readFileSync(join(out, "events.jsonl"), "utf8")
        .trim()
        .split("\n")
        .map((line) => (JSON.parse(line) as { phase: string }).phase);
      expect(phases).toContain("enforcement.completed");
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

  it("with --keep-alive stays up after --run-for until stopped, then exits 0", async () => {
    const server = await buildServer({ dataDir: join(dir, "service-keep"), logger: false });
    try {
      const url = await server.listen({ port: 0, host: "127.0.0.1" });
      const child = spawn(process.execPath, [
        BIN,
        "agent",
        "--server",
        url,
        "--run-for",
        "10m",
        "--keep-alive",
      ]);
      let stdout = "";
      child.stdout.on("data", (chunk) => {
        stdout += chunk;
      });
      const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
      const deadline = Date.now() + 60_000;
      while (!stdout.includes("staying up until stopped") && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 100));
      expect(stdout).toMatch(/run over at \S+; staying up until stopped \(--keep-alive\)/);
      // Nothing is scheduled any more: before the keep-alive timer, Node ended here with exit 13.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(child.exitCode).toBeNull();
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
    } finally {
      await server.close();
    }
  }, 90_000);

  it("refuses a --speed that is not a positive number, exit 2", async () => {
    const result = await runCli(["agent", "--server", "http://127.0.0.1:1", "--speed", "0"]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("argument '0' is invalid. must be a positive number");
  });

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
