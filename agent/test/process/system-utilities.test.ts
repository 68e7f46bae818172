// The Windows utilities install scripts start, run through cmd as the IME's install would (32-bit SYSTEM).
import { describe, expect, it } from "vitest";
import { newDevice, runLine, SYSTEM32 } from "../installer/device.ts";

describe("modelled Windows utilities", () => {
  it("whoami answers the account of the process: SYSTEM for a system-context install", async () => {
    const run = await runLine("whoami");
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toBe("nt authority\\system\r\n");
  });

  it("schtasks /Create stores the task where the Task Scheduler keeps it; /Query and /Delete see it", async () => {
    const device = newDevice();
    const created = await runLine(
      'schtasks /Create /TN "Contoso\\Update" /TR "C:\\Contoso\\update.exe" /SC DAILY /RU SYSTEM',
      { device },
    );
    expect(created.exitCode).toBe(0);
    expect(created.stdout).toContain(
      'SUCCESS: The scheduled task "Contoso\\Update" has successfully been created.',
    );
    expect(device.fs.readFile("C:\\Windows\\System32\\Tasks\\Contoso\\Update")).toBeDefined();
    const again = await runLine('schtasks /Create /TN "Contoso\\Update" /TR x.exe /SC DAILY', { device });
    expect(again.exitCode).toBe(1);
    expect((await runLine('schtasks /Query /TN "Contoso\\Update"', { device })).exitCode).toBe(0);
    expect((await runLine('schtasks /Delete /TN "Contoso\\Update" /F', { device })).exitCode).toBe(0);
    const missing = await runLine('schtasks /Query /TN "Contoso\\Update"', { device });
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toContain("ERROR: The system cannot find the file specified.");
  });

  it("sc creates, configures, starts and queries a service in the registry; a missing one is 1060", async () => {
    const device = newDevice();
    expect(
      (await runLine('sc.exe create ContosoSvc binPath= "C:\\Contoso\\svc.exe" start= auto', { device }))
        .exitCode,
    ).toBe(0);
    expect(
      device.registry.getValue("HKLM\\SYSTEM\\CurrentControlSet\\Services\\ContosoSvc", "Start"),
    ).toEqual({ type: "REG_DWORD", data: 2 });
    expect((await runLine("sc.exe start ContosoSvc", { device })).exitCode).toBe(0);
    expect((await runLine("sc.exe query ContosoSvc", { device })).stdout).toContain("4  RUNNING");
    expect((await runLine("sc.exe start ContosoSvc", { device })).exitCode).toBe(1056);
    expect((await runLine("sc.exe query Nothing", { device })).exitCode).toBe(1060);
  });

  it("icacls records the grant on an existing path and fails with 2 on a missing one; takeown likewise", async () => {
    const device = newDevice();
    device.fs.mkdir("C:\\ProgramData\\Contoso");
    const granted = await runLine('icacls "C:\\ProgramData\\Contoso" /grant:r "Users":F', { device });
    expect(granted.exitCode).toBe(0);
    expect((await runLine('icacls "C:\\ProgramData\\Contoso"', { device })).stdout).toContain(
      "/grant:r Users:F",
    );
    expect((await runLine('icacls "C:\\Nowhere" /grant Users:F', { device })).exitCode).toBe(2);
    expect((await runLine('takeown /f "C:\\ProgramData\\Contoso"', { device })).exitCode).toBe(0);
    expect((await runLine('takeown /f "C:\\Nowhere"', { device })).exitCode).toBe(1);
  });

  it("certutil -hashfile prints the file's digest", async () => {
    const device = newDevice();
    device.fs.writeFile("C:\\Windows\\IMECache\\app_1\\setup.exe", "abc");
    const run = await runLine("certutil -hashfile setup.exe SHA256", { device, context: SYSTEM32 });
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });
});
