import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { parseRate, serverOptionsFromFlags } from "../../src/cli/commands/serve-flags.ts";

const BIN = fileURLToPath(new URL("../../bin/imesim.js", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "imesim-serve-flags-"));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) child.kill("SIGTERM");
  rmSync(dir, { recursive: true, force: true });
});

/** Starts `imesim serve` with `args` and resolves with its base URL once it listens, and its output so far. */
function serve(args: readonly string[]): Promise<{ base: string; output: () => string }> {
  const child = spawn(process.execPath, [BIN, "serve", "--port", "0", "--data", join(dir, "data"), ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let output = "";
  return new Promise((resolve, reject) => {
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString("utf8");
      const match = /listening on (\S+)/.exec(output);
      if (match?.[1] !== undefined && output.includes("OpenAPI"))
        resolve({ base: match[1], output: () => output });
    });
    child.stderr?.on("data", (chunk: Buffer) => {
      output += chunk.toString("utf8");
    });
    child.once("exit", (code) => reject(new Error(`serve exited ${code}: ${output}`)));
  });
}

describe("imesim serve's tuning flags", () => {
  it("--tenant-domain (repeated) prints the domains, the first as default, and authorities with them work; --log writes one JSON line per request", async () => {
    const { base, output } = await serve([
      "--tenant-domain",
      "contoso.onmicrosoft.com",
      "--tenant-domain",
      "contoso.com",
      "--log",
    ]);
    expect(output()).toContain("domains         contoso.onmicrosoft.com (default), contoso.com");
    const response = await fetch(`${base}/contoso.com/v2.0/.well-known/openid-configuration?x=secret`);
    expect(response.status).toBe(200);
    await response.arrayBuffer();
    await expect
      .poll(
        () =>
          output()
            .split("\n")
            .filter((line) => line.includes('"method":"GET"')).length,
      )
      .toBe(1);
    const line = output()
      .split("\n")
      .find((text) => text.includes('"method":"GET"')) as string;
    expect(JSON.parse(line)).toMatchObject({
      method: "GET",
      path: "/contoso.com/v2.0/.well-known/openid-configuration",
      status: 200,
      ms: expect.any(Number),
      client: "127.0.0.1",
      msg: expect.stringMatching(
        /^GET \/contoso\.com\/v2\.0\/\.well-known\/openid-configuration 200 [\d.]+ms 127\.0\.0\.1$/,
      ),
    });
    expect(line).not.toContain("secret");
  });

  it("map to the ServerOptions members they expose, and leave the rest to the service's defaults", () => {
    expect(
      serverOptionsFromFlags(
        {
          log: true,
          tokenLifetime: 7200,
          downloadRate: 1024,
          pendingPolls: 2,
          lenientCommit: true,
          pageSize: 5,
          tenantDomain: ["contoso.com"],
        },
        false,
      ),
    ).toEqual({
      logger: true,
      tokenLifetimeSeconds: 7200,
      downloadBytesPerSecond: 1024,
      pendingPolls: 2,
      lenientCommit: true,
      pageSize: 5,
      tenantDomains: ["contoso.com"],
    });
    expect(serverOptionsFromFlags({ log: true }, true)).toEqual({ logger: "pretty" });
    expect(serverOptionsFromFlags({}, true)).toEqual({});
  });

  it("a --tenant-domain that is not a domain name stops serve with exit 2 and one line naming it, nothing written", () => {
    const data = join(dir, "bad-domain");
    const result = spawnSync(
      process.execPath,
      [BIN, "serve", "--port", "0", "--data", data, "--tenant-domain", "not a domain"],
      { encoding: "utf8", timeout: 20_000 },
    );
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      "imesim serve: 'not a domain' is not a domain name (expected something like contoso.onmicrosoft.com).\n",
    );
    expect(existsSync(data)).toBe(false);
  });

  it("--download-rate takes bytes per second with k, M or G", () => {
    expect(parseRate("512")).toBe(512);
    expect(parseRate("512k")).toBe(512 * 1024);
    expect(parseRate("2M")).toBe(2 * 1024 * 1024);
    expect(parseRate("1.5MB/s")).toBe(1.5 * 1024 * 1024);
    expect(() => parseRate("fast")).toThrow("bytes per second");
    expect(() => parseRate("0")).toThrow("bytes per second");
  });
});
