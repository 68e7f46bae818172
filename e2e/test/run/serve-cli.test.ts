import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const BIN = fileURLToPath(new URL("../../bin/imesim.js", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "imesim-serve-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("imesim serve --client-id / --client-secret", () => {
  for (const [flag, value] of [
    ["--client-id", "admin-app"],
    ["--client-secret", "s3cret"],
  ] as const) {
    it(`refuses ${flag} alone (it would silently accept every client), exit 2, nothing started`, () => {
      const data = join(dir, flag.slice(2));
      const result = spawnSync(process.execPath, [BIN, "serve", "--port", "0", "--data", data, flag, value], {
        encoding: "utf8",
        timeout: 20_000,
      });
      expect(result.status).toBe(2);
      expect(result.stderr).toBe("imesim serve: --client-id and --client-secret go together\n");
      expect(result.stdout).toBe("");
      expect(existsSync(data)).toBe(false);
    });
  }
});

/** Starts `imesim serve` and resolves once it printed its admin-token line; the caller kills it. */
function startServe(args: string[]): Promise<{ child: ChildProcess; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, "serve", "--port", "0", ...args]);
    let stdout = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
      if (/admin token .*\n/.test(stdout)) resolve({ child, stdout });
    });
    child.on("close", (status) => reject(new Error(`serve ended (${status}) before starting: ${stdout}`)));
  });
}

describe("imesim serve's enrollment limits", () => {
  it("refuses a limit that is not a whole number, exit 2, nothing started", () => {
    const data = join(dir, "limits");
    const result = spawnSync(
      process.execPath,
      [BIN, "serve", "--port", "0", "--data", data, "--max-devices", "1.5"],
      {
        encoding: "utf8",
        timeout: 20_000,
      },
    );
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(
      "--max-devices <n>' argument '1.5' is invalid. must be a whole number, 0 or more",
    );
    expect(existsSync(data)).toBe(false);
  });
});

describe("imesim serve's admin plane (contract A)", () => {
  it("listens on loopback by default, prints a fresh admin token and requires it on /admin/*", async () => {
    const { child, stdout } = await startServe(["--data", join(dir, "admin")]);
    try {
      const address = /listening on (\S+)/.exec(stdout)?.[1] as string;
      expect(address).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const token = /admin token +(\S+) +\(Authorization: Bearer …\)/.exec(stdout)?.[1] as string;
      expect(token.length).toBeGreaterThanOrEqual(16);
      expect((await fetch(`${address}/admin/faults`)).status).toBe(401);
      expect(
        (await fetch(`${address}/admin/faults`, { headers: { authorization: `Bearer ${token}` } })).status,
      ).toBe(200);
    } finally {
      child.kill("SIGTERM");
    }
  }, 60_000);

  it("takes the token from IMESIM_ADMIN_TOKEN without printing it", async () => {
    const token = "token-from-the-environment";
    process.env.IMESIM_ADMIN_TOKEN = token;
    const given = await startServe(["--data", join(dir, "admin-env")]).finally(() => {
      delete process.env.IMESIM_ADMIN_TOKEN;
    });
    try {
      expect(given.stdout).not.toContain(token);
      const address = /listening on (\S+)/.exec(given.stdout)?.[1] as string;
      expect(
        (await fetch(`${address}/admin/faults`, { headers: { authorization: `Bearer ${token}` } })).status,
      ).toBe(200);
    } finally {
      given.child.kill("SIGTERM");
    }
  }, 60_000);

  it("leaves the admin plane open with --insecure-admin", async () => {
    const open = await startServe(["--data", join(dir, "admin-open"), "--insecure-admin"]);
    try {
      const address = /listening on (\S+)/.exec(open.stdout)?.[1] as string;
      expect((await fetch(`${address}/admin/faults`)).status).toBe(200);
    } finally {
      open.child.kill("SIGTERM");
    }
  }, 60_000);
});
