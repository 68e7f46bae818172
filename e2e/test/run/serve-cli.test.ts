import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect as tlsConnect } from "node:tls";
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

describe("imesim serve --tls-hostname", () => {
  it("adds every name given to the HTTPS certificate, so agents reach https://mock:8443 by service name", async () => {
    const data = join(dir, "tls");
    const child = spawn(
      process.execPath,
      [
        BIN,
        "serve",
        "--port",
        "0",
        "--data",
        data,
        "--tls",
        "--tls-hostname",
        "mock",
        "--tls-hostname",
        "mock.imesim.test",
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    try {
      const address = await new Promise<string>((resolve, reject) => {
        let out = "";
        const timer = setTimeout(() => reject(new Error(`serve did not start: ${out}`)), 30_000);
        child.stdout.on("data", (chunk) => {
          out += chunk;
          const match = /listening on (https:\/\/\S+)/.exec(out);
          if (match?.[1] !== undefined) {
            clearTimeout(timer);
            resolve(match[1]);
          }
        });
      });
      const url = new URL(address);
      const names = await new Promise<string>((resolve, reject) => {
        const socket = tlsConnect(
          { host: url.hostname, port: Number(url.port), rejectUnauthorized: false },
          () => {
            resolve(socket.getPeerCertificate().subjectaltname ?? "");
            socket.end();
          },
        );
        socket.on("error", reject);
      });
      expect(names).toContain("DNS:mock");
      expect(names).toContain("DNS:mock.imesim.test");
      expect(names).toContain("DNS:localhost");
    } finally {
      child.kill("SIGTERM");
    }
  });
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
