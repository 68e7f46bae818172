import { spawn, spawnSync } from "node:child_process";
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
