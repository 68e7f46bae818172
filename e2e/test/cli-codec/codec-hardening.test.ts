// CLI side of the codec's issue 3 acceptance findings: typed filesystem errors, Ctrl-C during unpack, inspect nits.
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bin, imesim } from "./run-imesim.ts";

describe("imesim unpack / inspect under hostile conditions", () => {
  let root: string;
  let single: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), "imesim-cli-hardening-"));
    mkdirSync(join(root, "one"));
    writeFileSync(join(root, "one", "install.cmd"), "exit /b 0\r\n");
    const packed = imesim(
      "pack",
      "-c",
      join(root, "one"),
      "-s",
      "install.cmd",
      "-o",
      join(root, "pkg"),
      "-q",
    );
    expect(packed.status).toBe(0);
    single = packed.stdout.trim();
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("an output folder that cannot be made is one typed line, exit 2, no stack trace", () => {
    writeFileSync(join(root, "a-file"), "x");
    const result = imesim("unpack", single, "-o", join(root, "a-file", "out"));
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^imesim unpack: cannot .*a-file.* \[INTUNEWIN_IO_FAILED\]\n$/);
  });

  it("unpacks through a symbolic link to an empty folder", () => {
    mkdirSync(join(root, "real"));
    symlinkSync(join(root, "real"), join(root, "link"));
    const result = imesim("unpack", single, "-o", join(root, "link"));
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(readdirSync(join(root, "real"))).toEqual(["install.cmd"]);
  });

  it("unpacks into the working folder with -o .", () => {
    const here = join(root, "here");
    mkdirSync(here);
    const result = spawnSync(process.execPath, [bin, "unpack", single, "-o", "."], {
      cwd: here,
      encoding: "utf8",
    });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(readdirSync(here)).toEqual(["install.cmd"]);
    expect(readdirSync(root).filter((name) => name.includes("staging"))).toEqual([]);
  });

  it("inspect counts one content entry in the singular", () => {
    const result = imesim("inspect", single);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("Content (1 entry)\n");
  });

  it("inspect --json on a missing file still prints a JSON result with the finding", () => {
    const result = imesim("inspect", join(root, "missing.intunewin"), "--json");
    expect(result.status).toBe(2);
    const report = JSON.parse(result.stdout) as { valid: boolean; findings: { code: string }[] };
    expect(report.valid).toBe(false);
    expect(report.findings.map((finding) => finding.code)).toEqual(["INTUNEWIN_IO_FAILED"]);
  });

  it("Ctrl-C during unpack exits 130 and leaves neither the output nor a staging folder", async () => {
    mkdirSync(join(root, "big"));
    writeFileSync(join(root, "big", "setup.cmd"), "exit /b 0\r\n");
    // Incompressible, so the unpack takes long enough to be interrupted.
    for (let index = 0; index < 6; index += 1)
      writeFileSync(join(root, "big", `part-${index}.bin`), randomBytes(24 << 20));
    const packed = imesim(
      "pack",
      "-c",
      join(root, "big"),
      "-s",
      "setup.cmd",
      "-o",
      join(root, "bigpkg"),
      "-q",
    );
    expect(packed.status).toBe(0);
    const target = join(root, "interrupted");
    mkdirSync(target);
    const output = join(target, "out");
    const child = spawn(process.execPath, [bin, "unpack", packed.stdout.trim(), "-o", output], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (text: string) => {
      stderr += text;
    });
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    // Interrupt once extraction is under way: the staging folder exists.
    const staging = await new Promise<boolean>((resolve) => {
      const poll = setInterval(() => {
        if (readdirSync(target).some((name) => name.includes("imesim-staging"))) {
          clearInterval(poll);
          child.kill("SIGINT");
          resolve(true);
        } else if (child.exitCode !== null) {
          clearInterval(poll);
          resolve(false);
        }
      }, 2);
    });
    expect(staging).toBe(true);
    expect(await exited).toBe(130);
    expect(stderr).toContain("INTUNEWIN_ABORTED");
    expect(readdirSync(target)).toEqual([]);
    expect(existsSync(output)).toBe(false);
  }, 30_000);
});
