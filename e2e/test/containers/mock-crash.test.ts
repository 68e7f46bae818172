import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type AdminChannel, defaultTenantId, importApp } from "@imesim/mock-service";
import type { StartedTestContainer } from "testcontainers";
import { afterAll, describe, expect, it } from "vitest";
import { createHttpChannel } from "../../src/containers/http-channel.ts";
import { ADMIN_TOKEN, CLIENT, freePort, removeSharedFolders, sharedFolder, startMock } from "./support.ts";

const started: StartedTestContainer[] = [];
afterAll(async () => {
  for (const container of started.reverse()) await container.stop({ timeout: 5_000 }).catch(() => {});
  removeSharedFolders();
}, 60_000);

/** A required win32LobApp for all devices whose package is one small setup file. */
function appFrom(dir: string, name: string) {
  const folder = join(dir, name);
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, "setup.exe"), `${name} installer`);
  return {
    graphApp: {
      "@odata.type": "#microsoft.graph.win32LobApp",
      displayName: name,
      installCommandLine: "setup.exe /S",
      uninstallCommandLine: "setup.exe /uninstall",
      installExperience: { runAsAccount: "system", deviceRestartBehavior: "suppress" },
      returnCodes: [{ returnCode: 0, type: "success" }],
      rules: [
        {
          "@odata.type": "#microsoft.graph.win32LobAppFileSystemRule",
          ruleType: "detection",
          path: `C:\\Program Files\\${name}`,
          fileOrFolderName: "app.exe",
          operationType: "exists",
          operator: "notConfigured",
        },
      ],
    },
    folder: { path: folder, setupFile: "setup.exe" },
    assignments: [
      { intent: "required", target: { "@odata.type": "#microsoft.graph.allDevicesAssignmentTarget" } },
    ],
  };
}

const bearer = async (channel: AdminChannel) => ({ authorization: `Bearer ${await channel.graphToken()}` });

describe("the mock container killed with SIGKILL mid upload-commit", () => {
  it("restarted on the same data volume keeps the committed app, and the interrupted commit retried succeeds", async () => {
    const dir = sharedFolder("imesim-tc-mock-crash-");
    const data = sharedFolder("imesim-tc-mock-crash-data-");
    const port = await freePort();
    const first = await startMock(data, port);
    started.push(first);
    const channel = createHttpChannel({
      server: `http://127.0.0.1:${port}`,
      tenantId: defaultTenantId,
      ...CLIENT,
      timeoutMs: 30_000,
    });
    const committed = await importApp(channel, appFrom(dir, "Committed Tool"));

    // The second upload goes through to its commit; the commit is held 20 s in the service (a latency
    // fault armed just before it), and the container is killed while it waits.
    let commit: { url: string; payload: Parameters<AdminChannel["send"]>[0]["payload"] } | undefined;
    const killing: AdminChannel = {
      graphToken: () => channel.graphToken(),
      async send(request) {
        if (typeof request.url === "string" && request.url.endsWith("/commit")) {
          commit = { url: request.url, payload: request.payload };
          const armed = await channel.send({
            method: "POST",
            url: "/admin/faults",
            headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
            payload: {
              rules: [
                {
                  match: { route: "graph", method: "POST" },
                  effect: { kind: "latency", ms: 20_000 },
                  times: 1,
                },
              ],
            },
          });
          expect(armed.statusCode).toBe(200);
          const pending = channel.send(request).catch((error: unknown) => error);
          await new Promise((resolve) => setTimeout(resolve, 2_000));
          const kill = spawnSync("docker", ["kill", "--signal", "KILL", first.getId()], { encoding: "utf8" });
          expect(kill.status, kill.stderr).toBe(0);
          await pending;
          throw new Error("the mock was killed during the commit");
        }
        return channel.send(request);
      },
    };
    await expect(importApp(killing, appFrom(dir, "Interrupted Tool"))).rejects.toThrow(
      "the mock was killed during the commit",
    );
    expect(commit).toBeDefined();

    started.push(await startMock(data, port));
    const headers = await bearer(channel);
    // The committed app is intact: its committed content version and its file's committed state.
    const app = (
      await channel.send({ url: `/beta/deviceAppManagement/mobileApps/${committed.appId}`, headers })
    ).json();
    expect(app.committedContentVersion).toBe(committed.contentVersion);
    // The image carries the dashboard's built front end (Dockerfile stage "dashboard"): /ui/ is the page, not 503.
    const ui = await channel.send({ url: "/ui/" });
    expect(ui.statusCode, ui.body.slice(0, 200)).toBe(200);
    expect(ui.body).toContain("imesim dashboard");
    const fileUrl = `/beta/deviceAppManagement/mobileApps/${committed.appId}/microsoft.graph.win32LobApp/contentVersions/${committed.contentVersion}/files/${committed.fileId}`;
    expect((await channel.send({ url: fileUrl, headers })).json().uploadState).toBe("commitFileSuccess");

    // The interrupted file never got its commit: the admin's retry of the same commit succeeds.
    const interruptedFile = String(commit?.url).replace(/\/commit$/, "");
    expect((await channel.send({ url: interruptedFile, headers })).json().uploadState).not.toBe(
      "commitFileSuccess",
    );
    const retried = await channel.send({
      method: "POST",
      url: String(commit?.url),
      headers,
      payload: commit?.payload,
    });
    expect(retried.statusCode).toBe(204);
    let state = "";
    const deadline = Date.now() + 30_000;
    while (state !== "commitFileSuccess" && state !== "commitFileFailed" && Date.now() < deadline) {
      state = String((await channel.send({ url: interruptedFile, headers })).json().uploadState);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(state).toBe("commitFileSuccess");
  }, 300_000);
});
