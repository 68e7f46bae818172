import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import type { FaultPlan } from "../../src/faults/plan.ts";
import { buildServer, importApp } from "../../src/index.ts";
import { adminHeaders, adminToken, enroll, sampleApp } from "./helpers.ts";

const fixture = fileURLToPath(
  new URL("../../../fixtures/intunewin/Rhuberry_TimeZoneAutoUpdate__install.intunewin", import.meta.url),
);
const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});
function tempFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), "imesim-import-test-"));
  folders.push(folder);
  return folder;
}

const { detectionRules: _legacy, fileName: _fileName, setupFilePath: _setup, ...withoutLegacy } = sampleApp();
const graphApp = {
  ...withoutLegacy,
  displayName: "Time zone auto update",
  rules: [
    {
      "@odata.type": "#microsoft.graph.win32LobAppRegistryRule",
      ruleType: "detection",
      check32BitOn64System: false,
      keyPath: "HKEY_LOCAL_MACHINE\\SOFTWARE\\Contoso\\TimeZone",
      valueName: "Installed",
      operationType: "exists",
      operator: "notConfigured",
      comparisonValue: null,
    },
  ],
};

describe("importApp", () => {
  it("imports a real .intunewin with an assignment in one call, and everything survives a restart", async () => {
    const dataDir = tempFolder();
    const first = await buildServer({ dataDir });
    const imported = await importApp(first, {
      graphApp,
      intunewinPath: fixture,
      assignments: [
        { intent: "required", target: { "@odata.type": "#microsoft.graph.allDevicesAssignmentTarget" } },
      ],
    });
    const device = await enroll(first);
    const auth = { authorization: `Bearer ${await adminToken(first)}` };
    const before = (
      await first.inject({ url: `/beta/deviceAppManagement/mobileApps/${imported.appId}`, headers: auth })
    ).json();
    expect(before).toMatchObject({
      publishingState: "published",
      isAssigned: true,
      setupFilePath: "install.ps1",
      fileName: "Rhuberry_TimeZoneAutoUpdate__install.intunewin",
    });
    await first.close();

    const second = await buildServer({ dataDir });
    try {
      const auth2 = { authorization: `Bearer ${await adminToken(second)}` };
      const after = (
        await second.inject({ url: `/beta/deviceAppManagement/mobileApps/${imported.appId}`, headers: auth2 })
      ).json();
      expect(after).toEqual({ ...before });
      expect(
        (
          await second.inject({
            url: `/beta/deviceAppManagement/mobileApps/${imported.appId}/assignments`,
            headers: auth2,
          })
        ).json().value,
      ).toHaveLength(1);
      expect(second.intune.store.getDevice(device.deviceId)?.name).toBe("PC01");
      expect(second.intune.store.blobs.fileSize(imported.fileId)).toBe(2400);
      // A token minted before the restart still verifies: the signing key is kept in the data folder.
      expect(
        (await second.inject({ url: "/beta/deviceAppManagement/mobileApps", headers: auth })).statusCode,
      ).toBe(200);
    } finally {
      await second.close();
    }
  });

  it("packs a folder with the codec and imports it", async () => {
    const source = tempFolder();
    writeFileSync(join(source, "install.cmd"), "@echo off\r\nexit /b 0\r\n");
    const server = await buildServer({ dataDir: tempFolder() });
    try {
      const imported = await importApp(server, {
        graphApp: { ...graphApp, installCommandLine: "install.cmd" },
        folder: { path: source, setupFile: "install.cmd" },
      });
      expect(server.intune.store.getFile(imported.fileId)).toMatchObject({
        isCommitted: true,
        uploadState: "commitFileSuccess",
      });
    } finally {
      await server.close();
    }
  });

  it("names the refused step when the app is invalid, and stores no content", async () => {
    const server = await buildServer({ dataDir: tempFolder() });
    try {
      await expect(
        importApp(server, { graphApp: { ...graphApp, rules: [] }, intunewinPath: fixture }),
      ).rejects.toMatchObject({
        code: "IMPORT_FAILED",
        path: "create app",
      });
      expect(server.intune.store.listApps()).toHaveLength(0);
      await expect(importApp(server, { graphApp })).rejects.toMatchObject({ code: "IMPORT_NO_PACKAGE" });
    } finally {
      await server.close();
    }
  });
});

describe("OpenAPI", () => {
  it("documents the routes from their schemas", async () => {
    const server = await buildServer({ dataDir: tempFolder() });
    try {
      const document = (await server.inject("/openapi.json")).json();
      expect(document.openapi).toMatch(/^3\./);
      expect(Object.keys(document.paths)).toEqual(
        expect.arrayContaining([
          "/enrollment/devices",
          "/beta/deviceAppManagement/mobileApps",
          "/admin/faults",
        ]),
      );
      expect(
        document.paths["/enrollment/devices"].post.requestBody.content["application/json"].schema.required,
      ).toContain("deviceName");
    } finally {
      await server.close();
    }
  });
});

describe("fault plan across restarts", () => {
  const plan: FaultPlan = {
    rules: [
      {
        id: "once",
        match: { route: "graph", method: "GET" },
        effect: { kind: "status", status: 503 },
        times: 1,
      },
      { id: "slow", match: { route: "token" }, effect: { kind: "latency", ms: 0 } },
    ],
  };
  const counters = async (server: Awaited<ReturnType<typeof buildServer>>) =>
    (
      await server.inject({
        url: "/admin/faults",
        headers: adminHeaders(server),
      })
    ).json() as {
      plan: { rules: { id: string }[] };
      counters: { id: string; injected: number }[];
    };

  it("keeps the plan and its counters, so a rule that has fired its `times` stays spent", async () => {
    const dataDir = tempFolder();
    const first = await buildServer({ dataDir });
    expect(
      (
        await first.inject({
          headers: adminHeaders(first),
          method: "POST",
          url: "/admin/faults",
          payload: plan,
        })
      ).statusCode,
    ).toBe(200);
    const auth = { authorization: `Bearer ${await adminToken(first)}` };
    const apps = "/beta/deviceAppManagement/mobileApps";
    expect((await first.inject({ url: apps, headers: auth })).statusCode).toBe(503);
    await first.close();

    const second = await buildServer({ dataDir });
    const state = await counters(second);
    expect(state.plan.rules.map((rule) => rule.id)).toEqual(["once", "slow"]);
    expect(state.counters).toEqual([
      { id: "once", injected: 1 },
      { id: "slow", injected: 1 },
    ]);
    const again = { authorization: `Bearer ${await adminToken(second)}` };
    expect((await second.inject({ url: apps, headers: again })).statusCode).toBe(200);
    await second.close();
  });

  it("lets a plan given at start replace the kept one, and a cleared plan stays cleared", async () => {
    const dataDir = tempFolder();
    const first = await buildServer({ dataDir, faults: plan });
    await first.close();
    const replaced = await buildServer({ dataDir, faults: { rules: [] } });
    expect((await counters(replaced)).plan.rules).toEqual([]);
    await replaced.close();
    const resumed = await buildServer({ dataDir });
    expect((await counters(resumed)).plan.rules).toEqual([]);
    await resumed.close();
  });
});
