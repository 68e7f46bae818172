// Starting the project's images with testcontainers, on the host network (machines whose containers may
// only use loopback; CI sets TESTCONTAINERS_HOST_OVERRIDE=127.0.0.1 and builds the images first).
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { GenericContainer, type StartedTestContainer, Wait } from "testcontainers";

export const IMAGES = {
  mock: process.env.IMESIM_MOCK_IMAGE ?? "imesim/mock-service:dev",
  agent: process.env.IMESIM_AGENT_IMAGE ?? "imesim/agent:dev",
} as const;

export const SCENARIOS = fileURLToPath(new URL("../../scenarios", import.meta.url));
export const CLIENT = { clientId: "imesim-runner", clientSecret: "imesim-runner-secret" } as const;
export const ADMIN_TOKEN = "imesim-test-admin";

/** A folder the containers' unprivileged user (uid 1000) can write, whoever runs the tests. */
export function sharedFolder(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  chmodSync(dir, 0o777);
  sharedFolders.push(dir);
  return dir;
}

const sharedFolders: string[] = [];

/**
 * Removes every folder sharedFolder made, once their containers have stopped. Their files belong to the containers'
 * uid 1000: a user who may not remove them (neither root nor uid 1000) is told which folder stays, not failed.
 */
export function removeSharedFolders(): void {
  for (const dir of sharedFolders.splice(0)) {
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch (error) {
      console.warn(`left ${dir}: ${(error as Error).message}`);
    }
  }
}

/** A loopback port free right now (the host network has no port mapping to ask Docker for one). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address !== null ? resolve(address.port) : reject(),
      );
    });
  });
}

/** The mock service image on `port`, its data in `dataDir`, started once GET /health answers 200. */
export async function startMock(dataDir: string, port: number): Promise<StartedTestContainer> {
  return new GenericContainer(IMAGES.mock)
    .withNetworkMode("host")
    .withBindMounts([{ source: dataDir, target: "/data" }])
    .withEnvironment({
      IMESIM_HEALTH_URL: `http://127.0.0.1:${port}/health`,
      IMESIM_ADMIN_TOKEN: ADMIN_TOKEN,
    })
    .withCommand([
      "--host",
      "127.0.0.1",
      "--port",
      String(port),
      "--data",
      "/data",
      "--client-id",
      CLIENT.clientId,
      "--client-secret",
      CLIENT.clientSecret,
    ])
    .withWaitStrategy(Wait.forHealthCheck())
    .withStartupTimeout(120_000)
    .start();
}

/** One agent image running a scenario at `speed` against the mock, its outputs (and device file) in `out`. */
export async function startAgent(options: {
  readonly port: number;
  readonly out: string;
  readonly scenario: string;
  /** The folder `scenario` is in (the library by default). */
  readonly scenarioDir?: string;
  readonly name: string;
  readonly speed: number;
}): Promise<StartedTestContainer> {
  if (!existsSync(options.out)) mkdirSync(options.out, { recursive: true, mode: 0o777 });
  chmodSync(options.out, 0o777);
  return new GenericContainer(IMAGES.agent)
    .withNetworkMode("host")
    .withBindMounts([
      { source: options.out, target: "/out/device" },
      { source: options.scenarioDir ?? SCENARIOS, target: "/scenarios", mode: "ro" },
    ])
    .withCommand([
      "--server",
      `http://127.0.0.1:${options.port}`,
      "--scenario",
      `/scenarios/${options.scenario}`,
      "--name",
      options.name,
      "--out",
      "/out/device",
      "--device",
      "/out/device/device.db",
      "--speed",
      String(options.speed),
      "--run-for",
      "scenario",
      "--keep-alive",
    ])
    .withWaitStrategy(Wait.forLogMessage(/enrolled with/))
    .withStartupTimeout(120_000)
    .start();
}

/** Polls `check` every 500 ms until it holds, at most `timeoutMs`; then fails naming `what`. */
export async function waitFor(what: string, timeoutMs: number, check: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
