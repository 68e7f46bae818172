import { describe, expect, it } from "vitest";
import { createCommandLineInstaller } from "../../src/host/installer/command-line-installer.ts";
import type { InstallRequest } from "../../src/host/installer/types.ts";
import { CACHE, newDevice } from "./device.ts";

function request(commandLine: string, timeoutMs = 60_000): InstallRequest {
  return {
    appId: "app",
    intent: "install",
    commandLine,
    workingDirectory: CACHE,
    context: { account: "system", bitness: 32 },
    attempt: 1,
    timeoutMs,
  };
}

describe("command-line installer", () => {
  it("runs the command line in the working folder and reports output and simulated duration", async () => {
    const device = newDevice();
    const outcome = await createCommandLineInstaller().run(
      request("ping -n 4 127.0.0.1 >nul & echo done"),
      device,
    );
    expect(outcome).toEqual({ exitCode: 0, durationMs: 3000, stdout: "done\r\n", stderr: "" });
  });

  it("shows the agent's clock in %DATE% and %TIME%, moving on with simulated time", async () => {
    const device = newDevice();
    device.fs.writeFile(
      `${CACHE}\\t.cmd`,
      "@echo off\r\necho %DATE% %TIME%\r\nping -n 3 127.0.0.1 >nul\r\necho %TIME%\r\n",
    );
    const clock = { now: () => Date.UTC(2026, 10, 24, 9, 5, 7, 420) };
    const outcome = await createCommandLineInstaller({ clock }).run(request("t.cmd"), device);
    expect(outcome.stdout).toBe("Tue 11/24/2026  9:05:07.42\r\n 9:05:09.42\r\n");
  });

  it("reports exit codes unsigned, as lpExitCode does", async () => {
    const installer = createCommandLineInstaller({
      programs: (invocation) =>
        invocation.name === "setup.exe" ? { exitCode: 0xc0000005, durationMs: 5 } : undefined,
    });
    const outcome = await installer.run(request("setup.exe /S"), newDevice());
    expect(outcome.exitCode).toBe(3221225477);
    expect(outcome.durationMs).toBe(5);
  });

  it("abandons a command still running at the timeout", async () => {
    const slow = await createCommandLineInstaller().run(
      request("ping -n 120 127.0.0.1", 60_000),
      newDevice(),
    );
    expect(slow.exitCode).toBeUndefined();
    expect(slow.durationMs).toBe(60_000);
  });

  it("abandons a script that loops for ever instead of hanging the simulation", async () => {
    const device = newDevice();
    device.fs.writeFile(`${CACHE}\\loop.cmd`, "@echo off\r\n:again\r\ngoto again\r\n");
    const outcome = await createCommandLineInstaller().run(request("loop.cmd"), device);
    expect(outcome.exitCode).toBeUndefined();
    expect(outcome.durationMs).toBe(60_000);
  });

  it("abandons a FOR loop over an endless range too", async () => {
    const outcome = await createCommandLineInstaller().run(
      request("for /l %i in (1,0,2) do rem"),
      newDevice(),
    );
    expect(outcome.exitCode).toBeUndefined();
  });

  it("fails as cmd does for a program the device lacks", async () => {
    const outcome = await createCommandLineInstaller().run(request('"setup64.exe" /quiet'), newDevice());
    expect(outcome.exitCode).toBe(9009);
    expect(outcome.stderr).toBe(
      "'setup64.exe' is not recognized as an internal or external command,\r\noperable program or batch file.\r\n",
    );
  });
});
