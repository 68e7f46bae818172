import { chmodSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  createPwshScriptRunner,
  createScriptedRunner,
  locatePwsh,
  type ScriptRequest,
} from "../../src/host/index.ts";
import { openDevice, tempFolder } from "./backends.ts";

const request = (script: string, extra: Partial<ScriptRequest> = {}): ScriptRequest => ({
  purpose: "detection",
  appId: "6e0911dd-6755-4eb7-8a75-ba02e685232b",
  script,
  context: { account: "system", bitness: 64 },
  enforceSignatureCheck: false,
  timeoutMs: 3_600_000,
  ...extra,
});

describe("createScriptedRunner", () => {
  it("answers with the first matching script, filling missing fields, else the fallback", () => {
    const device = openDevice("memory");
    const runner = createScriptedRunner(
      [
        { contains: "7-Zip", purpose: "requirement", result: { stdout: "requirement" } },
        { contains: "7-Zip", result: { exitCode: 0, stdout: "Detected" } },
      ],
      { exitCode: 1 },
    );
    expect(runner.run(request("if (Test-Path 'C:\\7-Zip') { 'x' }"), device)).toEqual({
      exitCode: 0,
      stdout: "Detected",
      stderr: "",
    });
    expect(runner.run(request("7-Zip", { purpose: "requirement" }), device).stdout).toBe("requirement");
    expect(runner.run(request("something else"), device)).toEqual({ exitCode: 1, stdout: "", stderr: "" });
  });

  it("computes a result from the device when given a function", () => {
    const device = openDevice("memory");
    const runner = createScriptedRunner([
      {
        result: (_req, host) =>
          host.fs.stat("C:\\Program Files\\Contoso\\app.exe")
            ? { exitCode: 0, stdout: "found", stderr: "" }
            : { exitCode: 0, stdout: "", stderr: "" },
      },
    ]);
    expect(runner.run(request("Test-Path"), device).stdout).toBe("");
    device.fs.writeFile("C:\\Program Files\\Contoso\\app.exe", "x");
    expect(runner.run(request("Test-Path"), device).stdout).toBe("found");
  });

  it("throws SCRIPT_NOT_SCRIPTED naming the app and the script when nothing answers", () => {
    const device = openDevice("memory");
    expect(() => createScriptedRunner([]).run(request("\n$version = Get-Item"), device)).toThrow(
      /detection script of app 6e0911dd-6755-4eb7-8a75-ba02e685232b starting "\$version = Get-Item"/,
    );
  });
});

describe("createPwshScriptRunner", () => {
  it("runs the script file with the given pwsh and returns its exit code and streams", () => {
    const device = openDevice("memory");
    // A stand-in pwsh: prints the script it was given and exits with the number on its first line.
    const fake = join(tempFolder(), "pwsh");
    writeFileSync(
      fake,
      '#!/bin/sh\nfor last; do :; done\ncat "$last"\necho oops >&2\nexit "$(head -n1 "$last")"\n',
    );
    chmodSync(fake, 0o755);
    const result = createPwshScriptRunner({ pwshPath: fake }).run(request("3\nWrite-Output hi"), device);
    expect(result).toEqual({ exitCode: 3, stdout: "3\nWrite-Output hi", stderr: "oops\n" });
  });

  it("finds an executable pwsh on a PATH, and nothing where there is none", () => {
    const folder = tempFolder();
    const fake = join(folder, "pwsh");
    writeFileSync(fake, "#!/bin/sh\n");
    chmodSync(fake, 0o755);
    expect(locatePwsh(`${tempFolder()}:${folder}`)).toBe(fake);
    expect(locatePwsh(tempFolder())).toBeUndefined();
  });

  it("says so when pwsh is not there", () => {
    const device = openDevice("memory");
    const runner = createPwshScriptRunner({ pwshPath: join(tempFolder(), "no-pwsh") });
    expect(() => runner.run(request("1"), device)).toThrow(/pwsh not found/);
  });
});
