// A device's status reports are no policy input: they leave the store's generation (so the app-list and content
// caches keep serving a fleet), while an admin's change still reaches the next check-in.
import { createSideCarSessionRequest, encodeWin32AppResultPayload } from "@imesim/contracts/gateway";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { policiesFor } from "../../src/gateway/device-policies.ts";
import type { MockIntuneServer } from "../../src/index.ts";
import {
  adminToken,
  deviceToken,
  type Enrolled,
  encryptedContent,
  enroll,
  installedResult,
  publishRequiredApp,
  requiredAppList,
  startServer,
} from "./helpers.ts";

let app: MockIntuneServer;
let close: () => Promise<void>;
let admin: { authorization: string };
let device: Enrolled;
const content = encryptedContent(Buffer.from("inner zip bytes ".repeat(100)));

beforeAll(async () => {
  const started = await startServer();
  app = started.server;
  close = started.close;
  admin = { authorization: `Bearer ${await adminToken(app)}` };
  device = await enroll(app, "CACHE01");
});
afterAll(async () => close());

/** A Win32AppResult session reporting `appId` installed. */
async function reportInstalled(appId: string): Promise<number> {
  const sessionId = crypto.randomUUID();
  const response = await app.inject({
    method: "PUT",
    url: `/SideCar/SideCarGatewaySessions('${sessionId}')?api-version=1.5`,
    payload: createSideCarSessionRequest({
      sessionId,
      requestContentType: "Win32AppResult",
      requestPayload: encodeWin32AppResultPayload([installedResult(appId, { ReportingImpact: null })]),
      clientInfo: null,
      checkinReason: "AgentRestart",
    }),
    headers: {
      "content-type": "application/json",
      authorization: `Bearer ${await deviceToken(app, device)}`,
    },
  });
  return response.statusCode;
}

describe("policy caches across status reports", () => {
  it("keeps the generation on a status report and still serves an admin's new app at the next check-in", async () => {
    const first = await publishRequiredApp(app, admin, { ...content, size: 1600 }, { displayName: "One" });
    expect((await requiredAppList(app, device)).map((policy) => policy.Id)).toEqual([first]);
    const before = app.intune.store.generation;
    expect(await reportInstalled(first)).toBe(200);
    expect(app.intune.store.listStatuses(first)).toHaveLength(1);
    expect(app.intune.store.generation).toBe(before);
    const second = await publishRequiredApp(app, admin, { ...content, size: 1600 }, { displayName: "Two" });
    expect(app.intune.store.generation).toBeGreaterThan(before);
    expect((await requiredAppList(app, device)).map((policy) => policy.Id).sort()).toEqual(
      [first, second].sort(),
    );
  });

  it("gives devices with the same assignments one shared list, and a new one after an admin's change", async () => {
    const store = app.intune.store;
    const other = await enroll(app, "CACHE02");
    const before = policiesFor(store, device.deviceId, undefined, "required");
    expect(policiesFor(store, other.deviceId, undefined, "required")).toBe(before);
    expect(await requiredAppList(app, other)).toEqual(await requiredAppList(app, device));
    const added = await publishRequiredApp(app, admin, { ...content, size: 1600 }, { displayName: "Three" });
    const after = policiesFor(store, other.deviceId, undefined, "required");
    expect(after).not.toBe(before);
    expect(after.map((policy) => policy.Id)).toContain(added);
    expect(before.map((policy) => policy.Id)).not.toContain(added);
  });
});
