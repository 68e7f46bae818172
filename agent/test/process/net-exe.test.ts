// net.exe as install scripts start it: accounts, local group membership, services (shared with sc and
// Get-Service), and `net use` on a device without network. Exit codes 0 / 2 (1 for bad syntax).
import { describe, expect, it } from "vitest";
import { runPowerShell } from "../../src/host/installer/powershell/index.ts";
import { MODELLED_PROGRAMS } from "../../src/host/process/launcher.ts";
import { processEnvironment } from "../../src/host/process/process-environment.ts";
import { newDevice, runLine, SYSTEM32 } from "../installer/device.ts";

describe("net.exe", () => {
  it("net localgroup adds and removes members, with net's errors and exit code 2 for each mistake", async () => {
    const device = newDevice();
    const add = await runLine('net localgroup "Remote Desktop Users" AzureAD\\AdeleV /add', { device });
    expect(add).toMatchObject({ exitCode: 0, stdout: "The command completed successfully.\r\n\r\n" });
    const listed = await runLine('net localgroup "Remote Desktop Users"', { device });
    expect(listed.stdout).toContain("AzureAD\\AdeleV\r\n");
    const twice = await runLine('net localgroup "Remote Desktop Users" AzureAD\\AdeleV /add', { device });
    expect(twice.exitCode).toBe(2);
    expect(twice.stderr).toContain("System error 1378 has occurred.");
    const noGroup = await runLine("net localgroup Contosos Administrator /add", { device });
    expect(noGroup.exitCode).toBe(2);
    expect(noGroup.stderr).toContain("The specified local group does not exist.");
    const noUser = await runLine("net localgroup Administrators nobody /add", { device });
    expect(noUser.stderr).toContain("System error 1332 has occurred.");
    const removed = await runLine('net localgroup "Remote Desktop Users" AzureAD\\AdeleV /delete', {
      device,
    });
    expect(removed.exitCode).toBe(0);
    const notMember = await runLine('net localgroup "Remote Desktop Users" AzureAD\\AdeleV /del', { device });
    expect(notMember.exitCode).toBe(2);
    expect(notMember.stderr).toContain("is not a member of the group.");
    // %ERRORLEVEL% carries net's code into the script, as `if errorlevel 2` checks rely on.
    const checked = await runLine("net localgroup Nope x /add & if errorlevel 2 echo two", { device });
    expect(checked.stdout).toContain("two\r\n");
  });

  it("net user lists the local accounts, adds one, and answers 2 for an unknown name", async () => {
    const device = newDevice();
    expect((await runLine("net user", { device })).stdout).toContain("Administrator");
    expect((await runLine("net user svc_contoso P@ssw0rd! /add", { device })).exitCode).toBe(0);
    expect((await runLine("net user svc_contoso P@ssw0rd! /add", { device })).stderr).toContain(
      "The account already exists.",
    );
    expect((await runLine("net localgroup Administrators svc_contoso /add", { device })).exitCode).toBe(0);
    const shown = await runLine("net user svc_contoso", { device });
    expect(shown.stdout).toContain("Local Group Memberships      *Administrators");
    const missing = await runLine("net user nobody", { device });
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toContain("NET HELPMSG 2221");
  });

  it("net start/stop work on the services sc created, and Get-Service sees the same state", async () => {
    const device = newDevice();
    await runLine('sc.exe create ContosoSvc binPath= "C:\\Contoso\\svc.exe" DisplayName= "Contoso Agent"', {
      device,
    });
    const started = await runLine('net start "Contoso Agent"', { device });
    expect(started.exitCode).toBe(0);
    expect(started.stdout).toContain("The Contoso Agent service was started successfully.");
    expect((await runLine("net start ContosoSvc", { device })).stderr).toContain("NET HELPMSG 2182");
    expect((await runLine("sc query ContosoSvc", { device })).stdout).toContain("4  RUNNING");
    const ps = await runPowerShell({
      host: device,
      context: SYSTEM32,
      environment: processEnvironment(device, SYSTEM32),
      cwd: "C:\\Windows\\Temp",
      script:
        "(Get-Service ContosoSvc).Status; net stop ContosoSvc | Out-Null; $LASTEXITCODE; (Get-Service ContosoSvc).Status",
      mode: "command",
      resolver: undefined,
      programs: MODELLED_PROGRAMS,
      startedAtMs: 0,
    });
    expect(ps.stdout).toBe("Running\r\n0\r\nStopped\r\n");
    const notStarted = await runLine("net stop ContosoSvc", { device });
    expect(notStarted.exitCode).toBe(2);
    expect(notStarted.stderr).toContain("The Contoso Agent service is not started.");
    expect((await runLine("net start NoSuchSvc", { device })).stderr).toContain(
      "The service name is invalid.",
    );
  });

  it("net use lists nothing and cannot reach a share: the device has no network", async () => {
    expect((await runLine("net use")).stdout).toContain("There are no entries in the list.");
    const mapped = await runLine("net use Z: \\\\fileserver\\deploy");
    expect(mapped.exitCode).toBe(2);
    expect(mapped.stderr).toContain("System error 53 has occurred.");
  });
});
