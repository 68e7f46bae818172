// CLI side of the codec's issue 3 pack findings: filesystem failures are one typed line with exit 2 (never a
// stack trace), Windows separators in -s, a -c that is a file, and Ctrl-C leaving no temporary file.
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bin, imesim } from "./run-imesim.ts";

// Root ignores file permissions, so as root the command runs with no capabilities (setpriv, util-linux: an empty
// bounding set, so the exec'd Node gains none) to meet EACCES. It stays uid 0 rather than becoming `nobody`, so
// it can still read the clone and Node when they live under a folder other users cannot enter (a 0700 home).
const unprivileged =
  process.getuid?.() === 0 ? ["setpriv", "--bounding-set=-all", "--inh-caps=-all", "--"] : [];

function imesimUnprivileged(...args: string[]): { status: number | null; stderr: string } {
  const [command, ...prefix] = [...unprivileged, process.execPath];
  const result = spawnSync(command as string, [...prefix, bin, ...args], {
    encoding: "utf8",
    timeout: 20_000,
  });
  return { status: result.status, stderr: result.stderr };
}

describe("imesim pack under hostile conditions", () => {
  let root: string;
  let source: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), "imesim-cli-pack-"));
    chmodSync(root, 0o755);
    source = join(root, "src");
    mkdirSync(join(source, "Files", "sub"), { recursive: true });
    writeFileSync(join(source, "setup.cmd"), "exit /b 0\r\n");
    writeFileSync(join(source, "Files", "sub", "setup.exe"), "MZ");
    mkdirSync(join(root, "read-only"), { mode: 0o555 });
    chmodSync(join(root, "read-only"), 0o555);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it.each([
    ["-o <read-only folder>", [], /cannot create .*read-only\/\.setup\.intunewin\.[0-9a-f]+\.tmp: EACCES/],
    [
      "-o <read-only folder> -q",
      ["-q"],
      /cannot create .*read-only\/\.setup\.intunewin\.[0-9a-f]+\.tmp: EACCES/,
    ],
  ])("%s is INTUNEWIN_IO_FAILED naming the path, exit 2, no temporary file", (_title, flags, message) => {
    const result = imesimUnprivileged(
      "pack",
      "-c",
      source,
      "-s",
      "setup.cmd",
      "-o",
      join(root, "read-only"),
      ...flags,
    );
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toMatch(/^imesim pack: .* \[INTUNEWIN_IO_FAILED\]\n$/);
    expect(readdirSync(join(root, "read-only"))).toEqual([]);
  });

  it("-o <read-only folder>/new -q cannot create the folder: one typed line naming it", () => {
    const target = join(root, "read-only", "new");
    const result = imesimUnprivileged("pack", "-c", source, "-s", "setup.cmd", "-o", target, "-q");
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      `imesim pack: cannot create output folder ${target}: EACCES: permission denied [INTUNEWIN_IO_FAILED]\n`,
    );
  });

  it("-o /proc/nope -q ends at once with a typed error (Node's recursive mkdir would loop forever)", () => {
    const result = imesim("pack", "-c", source, "-s", "setup.cmd", "-o", "/proc/nope", "-q");
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(
      /^imesim pack: cannot create output folder \/proc\/nope: .* \[INTUNEWIN_IO_FAILED\]\n$/,
    );
  });

  it("-s with Windows separators packs like forward slashes", () => {
    const result = imesim("pack", "-c", source, "-s", "Files\\sub\\setup.exe", "-o", join(root, "out"), "-q");
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(`${join(root, "out", "setup.intunewin")}\n`);
  });

  it("-c <a file> says it is not a folder", () => {
    const result = imesim(
      "pack",
      "-c",
      join(source, "setup.cmd"),
      "-s",
      "setup.cmd",
      "-o",
      join(root, "out"),
      "-q",
    );
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("is a file, not a folder");
    expect(result.stderr).toContain("[INTUNEWIN_SOURCE_FOLDER_INVALID]");
  });

  it("a name Windows cannot hold is exit 2 with INTUNEWIN_SOURCE_NAME_INVALID", () => {
    const bad = join(root, "bad");
    mkdirSync(bad);
    writeFileSync(join(bad, "setup.cmd"), "exit /b 0\r\n");
    writeFileSync(join(bad, "colon:name.txt"), "x");
    const result = imesim("pack", "-c", bad, "-s", "setup.cmd", "-o", join(root, "bad-out"), "-q");
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/colon:name\.txt.*\[INTUNEWIN_SOURCE_NAME_INVALID\]\n$/);
    expect(existsSync(join(root, "bad-out"))).toBe(false);
  });

  it.each([
    ["SIGINT", 130],
    ["SIGTERM", 143],
  ] as const)(
    "%s during pack exits %i and leaves no temporary file",
    async (signal, exitCode) => {
      const big = join(root, "big");
      if (!existsSync(big)) {
        mkdirSync(big);
        writeFileSync(join(big, "setup.cmd"), "exit /b 0\r\n");
        // Base64 text: it goes through the deflater (incompressible data would be stored at once), so packing
        // takes seconds rather than a fraction of one and the signal lands mid-way even on a busy machine.
        for (let index = 0; index < 6; index += 1)
          writeFileSync(join(big, `part-${index}.txt`), randomBytes(18 << 20).toString("base64"));
      }
      const target = join(root, `interrupted-${signal}`);
      mkdirSync(target);
      const child = spawn(process.execPath, [bin, "pack", "-c", big, "-s", "setup.cmd", "-o", target], {
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stderr = "";
      child.stderr.setEncoding("utf8").on("data", (text: string) => {
        stderr += text;
      });
      const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
      // Interrupt once the temporary package file exists.
      const started = await new Promise<boolean>((resolve) => {
        const poll = setInterval(() => {
          if (readdirSync(target).some((name) => name.endsWith(".tmp"))) {
            clearInterval(poll);
            child.kill(signal);
            resolve(true);
          } else if (child.exitCode !== null) {
            clearInterval(poll);
            resolve(false);
          }
        }, 2);
      });
      expect(started).toBe(true);
      expect(await exited).toBe(exitCode);
      expect(stderr).toBe(`imesim pack: stopped by ${signal}; no package was written [INTUNEWIN_ABORTED]\n`);
      expect(readdirSync(target)).toEqual([]);
    },
    30_000,
  );
});
