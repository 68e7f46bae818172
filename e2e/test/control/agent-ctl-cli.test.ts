// `imesim agent --ctl` as a real process against a mock service, driven by `imesim agent ctl` processes
// through the control file it leaves in --out: the token guards it, each verb acts, the file goes at exit.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildServer } from "@imesim/mock-service";
import { afterAll, describe, expect, it } from "vitest";
import { BIN, spawnImesim } from "../run/spawn-imesim.ts";

const dir = mkdtempSync(join(tmpdir(), "imesim-ctl-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  ms = 40_000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}

describe("imesim agent ctl", () => {
  it("drives a running agent: syncapp causes an OnDemand check-in; registry and logs can be read and edited", {
    timeout: 120_000,
  }, async () => {
    const server = await buildServer({ dataDir: join(dir, "service"), logger: false });
    const out = join(dir, "out");
    const agent = spawn(process.execPath, [
      BIN,
      "agent",
      "--server",
      await server.listen({ port: 0, host: "127.0.0.1" }),
      "--out",
      out,
      "--ctl",
      // 100× real time: the 147 s start-up delay takes 1.5 s.
      "--speed",
      "100",
    ]);
    let agentOut = "";
    agent.stdout.on("data", (chunk) => {
      agentOut += chunk;
    });
    let agentErr = "";
    agent.stderr.on("data", (chunk) => {
      agentErr += chunk;
    });
    const exited = new Promise<number | null>((resolve) => agent.on("close", resolve));
    try {
      const file = join(out, "agent-ctl.json");
      await until("the control file", () => (existsSync(file) ? true : undefined));
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const saved = JSON.parse(readFileSync(file, "utf8")) as { url: string; token: string };
      expect(saved.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      // Printed once, with the token, when it starts.
      await until("the control line", () => (agentOut.includes("control surface") ? true : undefined));
      expect(agentOut.match(/control surface http:\/\/127\.0\.0\.1:\d+ \(token (\S+), saved in/)?.[1]).toBe(
        saved.token,
      );
      const ctl = (...args: string[]) => spawnImesim(["agent", "ctl", ...args, "--out", out]);

      // The start-up check-in first, so the sync is a check-in of its own.
      await until("the start-up check-in", async () => {
        const seen = await ctl("events", "phase=checkin.completed", "--json");
        return (JSON.parse(seen.stdout) as { events: unknown[] }).events.length > 0 ? true : undefined;
      });
      const sync = await ctl("syncapp");
      expect(sync.stderr).toBe("");
      expect(sync.status).toBe(0);
      const { since } = JSON.parse(sync.stdout) as { since: number };
      const reasons = await until("the OnDemand check-in", async () => {
        const seen = await ctl("events", `since=${since}`, "phase=checkin.started", "--json");
        const events = (JSON.parse(seen.stdout) as { events: { details: { reason: string } }[] }).events;
        return events.length > 0 ? events.map((e) => e.details.reason) : undefined;
      });
      expect(reasons).toEqual(["OnDemand"]);
      const log = await ctl("read-log", "log=IntuneManagementExtension", "lines=400");
      expect(log.stdout).toContain("checkinReason = OnDemand");

      const key = "HKLM\\SOFTWARE\\Contoso\\Ctl";
      expect((await ctl("set-registry", `key=${key}`, "name=Ring", "type=REG_DWORD", "data=2")).status).toBe(
        0,
      );
      const read = await ctl("read-registry", `key=${key}`);
      expect(read.stdout).toBe(`${key}\n    Ring    REG_DWORD    2\n`);

      const unknown = await ctl("sync-app");
      expect(unknown.status).toBe(1);
      expect(unknown.stderr).toMatch(
        /^imesim agent ctl: unknown verb "sync-app"; .* \[CTL_UNKNOWN_VERB\]\n$/,
      );
      const bad = await ctl("read-log", "log=Nope");
      expect(bad.stderr).toContain('"Nope"');
      expect(bad.stderr).toContain("[CTL_UNKNOWN_LOG]");

      const forged = join(dir, "forged.json");
      writeFileSync(forged, JSON.stringify({ ...saved, token: "not-the-token" }));
      const refused = await spawnImesim(["agent", "ctl", "status", "--file", forged]);
      expect(refused.status).toBe(1);
      expect(refused.stderr).toContain("[CTL_TOKEN_INVALID]");
    } finally {
      agent.kill("SIGTERM");
      await exited;
      await server.close();
    }
    expect(agentErr).toBe("");
    // The surface and its file end with the agent.
    expect(existsSync(join(out, "agent-ctl.json"))).toBe(false);
    const gone = await spawnImesim(["agent", "ctl", "status", "--out", out]);
    expect(gone.stderr).toMatch(/no control file at .*agent-ctl\.json.*\[CTL_FILE_MISSING\]/);
  });

  it("keeps --server required for the agent itself, and --ctl needs a folder for its file", async () => {
    const noServer = await spawnImesim(["agent"]);
    // As before `ctl` existed: commander's own message (then the usage), a usage error.
    expect(noServer.stderr).toMatch(/^error: required option '--server <url>' not specified\n/);
    expect(noServer.status).toBe(2);
    const noFolder = await spawnImesim(["agent", "--server", "http://127.0.0.1:9", "--ctl"]);
    expect(noFolder.stderr).toContain("--ctl needs --out or --device");
    expect(noFolder.status).toBe(2);
  });
});
