// What the gateway works out once and shares across a fleet's devices (an app version's committed file, an app
// list's wire encoding, a device's reach for one store generation) must still answer each device as its own
// assignments say: a device outside an app's group gets no content and no list entry, and a change of groups
// reaches the next call.
import { encodeAppListPayload, encodePolicyListPayload } from "@imesim/contracts/gateway";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createAppListEncoder } from "../../src/gateway/app-list-encoding.ts";
import { createContentLookup } from "../../src/gateway/content-lookup.ts";
import { reachableAppIds } from "../../src/gateway/device-policies.ts";
import type { MockIntuneServer } from "../../src/index.ts";
import {
  adminToken,
  type Enrolled,
  encryptedContent,
  enroll,
  publishRequiredApp,
  requiredAppList,
  requiredAppListPayload,
  startServer,
} from "./helpers.ts";

let app: MockIntuneServer;
let close: () => Promise<void>;
let admin: { authorization: string };
let inGroup: Enrolled;
let outside: Enrolled;
let everyone: string;
let grouped: string;
const groupId = "6f1c2b7e-0d4a-4c39-9a51-3d2e8b7c1f00";
const content = encryptedContent(Buffer.from("shared bytes ".repeat(64)));

beforeAll(async () => {
  const started = await startServer();
  app = started.server;
  close = started.close;
  admin = { authorization: `Bearer ${await adminToken(app)}` };
  inGroup = await enroll(app, "SHARE01");
  outside = await enroll(app, "SHARE02");
  everyone = await publishRequiredApp(app, admin, { ...content, size: 832 }, { displayName: "Everyone" });
  grouped = await publishRequiredApp(app, admin, { ...content, size: 832 }, { displayName: "Grouped" });
  const { store } = app.intune;
  store.insertGroup(groupId, "Pilot", new Date().toISOString());
  store.addMember(groupId, inGroup.deviceId);
  // The second app goes to the pilot group only.
  store.deleteAssignmentsOf(grouped);
  store.putAssignment({
    id: `${groupId}_1_0`,
    appId: grouped,
    body: {
      intent: "required",
      target: { "@odata.type": "#microsoft.graph.groupAssignmentTarget", groupId },
    },
  });
});
afterAll(async () => close());

describe("content lookups shared across devices", () => {
  it("reads an app version's file once for every device and still refuses a device it is not assigned to", () => {
    const { store } = app.intune;
    const listFiles = vi.spyOn(store, "listFiles");
    try {
      const lookup = createContentLookup(store);
      const first = lookup(inGroup.deviceId, undefined, everyone, 1);
      expect(first?.isCommitted).toBe(true);
      expect(lookup(outside.deviceId, undefined, everyone, 1)).toBe(first);
      expect(listFiles).toHaveBeenCalledTimes(1);
      expect(lookup(inGroup.deviceId, undefined, grouped, 1)?.appId).toBe(grouped);
      expect(lookup(outside.deviceId, undefined, grouped, 1)).toBeUndefined();
      expect(lookup(outside.deviceId, undefined, grouped.toUpperCase(), 1)).toBeUndefined();
      expect(lookup(outside.deviceId, undefined, "00000000-0000-0000-0000-000000000000", 1)).toBeUndefined();
      expect(listFiles).toHaveBeenCalledTimes(2);
    } finally {
      listFiles.mockRestore();
    }
  });

  it("works a device's reach out again once its groups change", () => {
    const { store } = app.intune;
    expect(reachableAppIds(store, outside.deviceId, undefined).has(grouped.toLowerCase())).toBe(false);
    const lookup = createContentLookup(store);
    expect(lookup(outside.deviceId, undefined, grouped, 1)).toBeUndefined();
    store.addMember(groupId, outside.deviceId);
    try {
      expect(reachableAppIds(store, outside.deviceId, undefined).has(grouped.toLowerCase())).toBe(true);
      expect(lookup(outside.deviceId, undefined, grouped, 1)?.appId).toBe(grouped);
    } finally {
      store.removeMember(groupId, outside.deviceId);
    }
    expect(lookup(outside.deviceId, undefined, grouped, 1)).toBeUndefined();
  });
});

describe("app lists encoded once per distinct list", () => {
  it("gzips a list text once, answers as the uncached encoding does, and encodes a different list anew", async () => {
    const [both, one] = [await requiredAppList(app, inGroup), await requiredAppList(app, outside)];
    expect(both.map((policy) => policy.Id).sort()).toEqual([everyone, grouped].sort());
    expect(one.map((policy) => policy.Id)).toEqual([everyone]);
    const encode = vi.fn(encodeAppListPayload);
    const encoder = createAppListEncoder(encode);
    expect(encoder(both)).toBe(encodePolicyListPayload(both));
    expect(encoder(structuredClone(both))).toBe(encodePolicyListPayload(both));
    expect(encode).toHaveBeenCalledTimes(1);
    expect(encoder(one)).toBe(encodePolicyListPayload(one));
    expect(encode).toHaveBeenCalledTimes(2);
  });

  it("serves two devices with the same assignments the same payload, and a device outside the group its own", async () => {
    const third = await enroll(app, "SHARE03");
    const [mine, theirs, pilot] = await Promise.all([
      requiredAppListPayload(app, outside),
      requiredAppListPayload(app, third),
      requiredAppListPayload(app, inGroup),
    ]);
    expect(theirs).toBe(mine);
    expect(pilot).not.toBe(mine);
  });
});
