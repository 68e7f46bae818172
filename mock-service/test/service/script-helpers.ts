// What the script-workload tests share: a started server with an admin, two enrolled devices and a group
// holding the first, and one gateway session call as a device makes it.
import { randomUUID } from "node:crypto";
import { createSideCarSessionRequest } from "@imesim/contracts/gateway";
import { expect } from "vitest";
import type { MockIntuneServer } from "../../src/index.ts";
import { adminToken, deviceToken, type Enrolled, enroll, startServer } from "./helpers.ts";

export interface ScriptTestWorld {
  readonly app: MockIntuneServer;
  readonly close: () => Promise<void>;
  readonly admin: { authorization: string };
  readonly member: Enrolled;
  readonly outsider: Enrolled;
  readonly groupId: string;
}

/** A server, an admin, a member device in a fresh group and an outsider device. */
export async function startScriptWorld(names: [string, string], groupName: string): Promise<ScriptTestWorld> {
  const { server: app, close } = await startServer();
  const admin = { authorization: `Bearer ${await adminToken(app)}` };
  const member = await enroll(app, names[0]);
  const outsider = await enroll(app, names[1]);
  const group = await app.inject({
    method: "POST",
    url: "/v1.0/groups",
    payload: {
      displayName: groupName,
      "members@odata.bind": [`https://graph.microsoft.com/v1.0/directoryObjects/${member.deviceId}`],
    },
    headers: admin,
  });
  return { app, close, admin, member, outsider, groupId: group.json().id as string };
}

/** One gateway session of `device` with request type `type`; the answer's ResponsePayload. */
export async function gatewaySession(
  app: MockIntuneServer,
  device: Enrolled,
  type: string,
  payload = "[]",
): Promise<string | null> {
  const sessionId = randomUUID();
  const response = await app.inject({
    method: "PUT",
    url: `/SideCar/SideCarGatewaySessions('${sessionId}')?api-version=1.5`,
    payload: createSideCarSessionRequest({
      sessionId,
      requestContentType: type,
      requestPayload: payload,
      clientInfo: null,
      checkinReason: "AgentRestart",
    }),
    headers: {
      "content-type": "application/json",
      authorization: `Bearer ${await deviceToken(app, device)}`,
    },
  });
  expect(response.statusCode, response.body).toBe(200);
  return response.json().ResponsePayload as string | null;
}
