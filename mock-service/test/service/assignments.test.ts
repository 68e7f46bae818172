import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MockIntuneServer } from "../../src/index.ts";
import { migrations } from "../../src/store/migrations.ts";
import { Store } from "../../src/store/store.ts";
import {
  adminToken,
  type Enrolled,
  encryptedContent,
  enroll,
  requiredAppList,
  sampleApp,
  startServer,
  uploadContent,
} from "./helpers.ts";

// Assignment ids are `{groupId}_{intent}_{exclusion}` (graph-win32.md §3.1): two apps assigned to
// the same target carry the same id, which is unique only within its app's /assignments.

let app: MockIntuneServer;
let close: () => Promise<void>;
let admin: { authorization: string };
let member: Enrolled;
let groupId: string;
const content = encryptedContent(Buffer.from("inner zip ".repeat(200)));

const allDevicesRequired = {
  intent: "required",
  target: { "@odata.type": "#microsoft.graph.allDevicesAssignmentTarget" },
};
const groupRequired = () => ({
  "@odata.type": "#microsoft.graph.mobileAppAssignment",
  intent: "required",
  target: { "@odata.type": "#microsoft.graph.groupAssignmentTarget", groupId },
});

beforeAll(async () => {
  const started = await startServer();
  app = started.server;
  close = started.close;
  admin = { authorization: `Bearer ${await adminToken(app)}` };
  member = await enroll(app, "SHARED");
  const group = await app.inject({
    method: "POST",
    url: "/v1.0/groups",
    payload: {
      displayName: "Shared target",
      "members@odata.bind": [`https://graph.microsoft.com/v1.0/directoryObjects/${member.deviceId}`],
    },
    headers: admin,
  });
  groupId = group.json().id as string;
});
afterAll(async () => close());

/** Creates and publishes an app; returns its id. */
async function publishedApp(displayName: string): Promise<string> {
  const created = await app.inject({
    method: "POST",
    url: "/beta/deviceAppManagement/mobileApps",
    payload: sampleApp({ displayName }),
    headers: admin,
  });
  const id = created.json().id as string;
  await uploadContent(app, admin, id, { ...content, size: 2000 });
  return id;
}

const assignmentsUrl = (appId: string) => `/beta/deviceAppManagement/mobileApps/${appId}/assignments`;

async function assign(appId: string, assignments: readonly object[]): Promise<number> {
  const response = await app.inject({
    method: "POST",
    url: `/beta/deviceAppManagement/mobileApps/${appId}/assign`,
    payload: { mobileAppAssignments: assignments },
    headers: admin,
  });
  return response.statusCode;
}

async function listedAssignments(appId: string): Promise<{ id: string; intent: string }[]> {
  return (await app.inject({ url: assignmentsUrl(appId), headers: admin })).json().value;
}

/** The ids of the required apps the enrolled device receives from the gateway (ime.md §3.1). */
async function requiredAppIds(): Promise<string[]> {
  return (await requiredAppList(app, member)).map((policy) => policy.Id).sort();
}

describe("assignments are scoped to their app", () => {
  it("delivers two apps assigned to the same group, each listing its own assignment", async () => {
    const first = await publishedApp("Group app one");
    const second = await publishedApp("Group app two");
    for (const appId of [first, second]) {
      const created = await app.inject({
        method: "POST",
        url: assignmentsUrl(appId),
        payload: groupRequired(),
        headers: admin,
      });
      expect(created.statusCode).toBe(201);
      expect(created.json().id).toBe(`${groupId}_1_0`);
    }
    expect(await listedAssignments(first)).toEqual([expect.objectContaining({ id: `${groupId}_1_0` })]);
    expect(await listedAssignments(second)).toEqual([expect.objectContaining({ id: `${groupId}_1_0` })]);
    expect(await requiredAppIds()).toEqual([first, second].sort());

    // Cleaned up so the next test sees only its own apps.
    for (const appId of [first, second]) {
      const removed = await app.inject({
        method: "DELETE",
        url: `${assignmentsUrl(appId)}/${groupId}_1_0`,
        headers: admin,
      });
      expect(removed.statusCode).toBe(204);
    }
    expect(await requiredAppIds()).toEqual([]);
  });

  it("delivers two apps assigned to all devices, and /assign on one leaves the other's alone", async () => {
    const first = await publishedApp("All devices one");
    const second = await publishedApp("All devices two");
    expect(await assign(first, [allDevicesRequired])).toBe(204);
    expect(await assign(second, [allDevicesRequired])).toBe(204);
    expect(await requiredAppIds()).toEqual([first, second].sort());

    // Replacing the first app's list (here with an available intent) must not touch the second app's.
    expect(
      await assign(first, [
        {
          intent: "available",
          target: { "@odata.type": "#microsoft.graph.allLicensedUsersAssignmentTarget" },
        },
      ]),
    ).toBe(204);
    expect(await listedAssignments(first)).toEqual([
      expect.objectContaining({ id: "acacacac-9df4-4c7d-9d50-4ef0226f57a9_0_0", intent: "available" }),
    ]);
    expect(await listedAssignments(second)).toEqual([
      expect.objectContaining({ id: "adadadad-808e-44e2-905a-0b7873a8a531_1_0", intent: "required" }),
    ]);
    expect(await requiredAppIds()).toEqual([second]);

    // Emptying the first app's list, then assigning it back, still leaves the second app delivered.
    expect(await assign(first, [])).toBe(204);
    expect(await requiredAppIds()).toEqual([second]);
    expect(await assign(first, [allDevicesRequired])).toBe(204);
    expect(await requiredAppIds()).toEqual([first, second].sort());
  });

  it("patches and deletes one app's assignment without touching the same id of another app", async () => {
    const first = await publishedApp("Patch one");
    const second = await publishedApp("Patch two");
    const target = { "@odata.type": "#microsoft.graph.groupAssignmentTarget", groupId };
    expect(await assign(first, [{ intent: "available", target }])).toBe(204);
    expect(await assign(second, [{ intent: "available", target }])).toBe(204);
    const id = `${groupId}_0_0`;
    const patched = await app.inject({
      method: "PATCH",
      url: `${assignmentsUrl(first)}/${id}`,
      payload: {
        settings: {
          "@odata.type": "#microsoft.graph.win32LobAppAssignmentSettings",
          notifications: "hideAll",
        },
      },
      headers: admin,
    });
    expect(patched.statusCode).toBe(204);
    const secondOne = (await app.inject({ url: `${assignmentsUrl(second)}/${id}`, headers: admin })).json();
    expect(secondOne.settings?.notifications).not.toBe("hideAll");
    const removed = await app.inject({
      method: "DELETE",
      url: `${assignmentsUrl(first)}/${id}`,
      headers: admin,
    });
    expect(removed.statusCode).toBe(204);
    expect(await listedAssignments(first)).toEqual([]);
    expect(await listedAssignments(second)).toEqual([expect.objectContaining({ id })]);
  });
});

describe("assignments schema migration", () => {
  it("keeps the assignments a store written before the (app, id) key had, in order", () => {
    const dataDir = mkdtempSync(join(tmpdir(), "imesim-migrate-"));
    try {
      // A database as the earlier schema left it: assignments keyed by id alone.
      const old = new Database(join(dataDir, "imesim.sqlite"));
      for (const sql of migrations.slice(0, 2)) old.exec(sql);
      old.pragma("user_version = 2");
      const now = new Date(0).toISOString();
      old
        .prepare("INSERT INTO apps (id, body, created_at, modified_at) VALUES (?, '{}', ?, ?)")
        .run("app-a", now, now);
      old
        .prepare("INSERT INTO apps (id, body, created_at, modified_at) VALUES (?, '{}', ?, ?)")
        .run("app-b", now, now);
      const insert = old.prepare("INSERT INTO assignments (id, app_id, body) VALUES (?, ?, ?)");
      insert.run("g_1_0", "app-a", JSON.stringify({ intent: "required" }));
      insert.run("h_0_0", "app-a", JSON.stringify({ intent: "available" }));
      old.close();

      const store = new Store(dataDir);
      try {
        expect(store.listAssignments("app-a").map((item) => item.id)).toEqual(["g_1_0", "h_0_0"]);
        store.putAssignment({ id: "g_1_0", appId: "app-b", body: { intent: "required" } });
        expect(store.listAllAssignments().map((item) => [item.appId, item.id])).toEqual([
          ["app-a", "g_1_0"],
          ["app-a", "h_0_0"],
          ["app-b", "g_1_0"],
        ]);
      } finally {
        store.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
