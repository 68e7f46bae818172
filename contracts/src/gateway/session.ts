import { type Static, Type } from "typebox";
import { Compile } from "typebox/compile";
import { CHECKIN_REASON_NAMES } from "../enums/index.ts";
import { nullable, stringifyOrdered } from "../schema/index.ts";
import { checkGatewayValue, decodeJsonMember } from "./json-member.ts";

/** The SideCar gateway's api-version query value (ime.md §3.1 item 2). */
export const SIDECAR_API_VERSION = "1.5";

/** Path and query of one gateway call: `/SideCarGatewaySessions('{id}')?api-version=1.5`. */
export function sideCarSessionPath(sessionId: string): string {
  return `/SideCarGatewaySessions('${sessionId}')?api-version=${SIDECAR_API_VERSION}`;
}

/** `ClientInfo`, a JSON string inside the envelope (ime.md §3.1 item 2). Times are en-US "M/d/yyyy HH:mm:ss" text. */
export const ClientInfoSchema = Type.Object({
  DeviceName: Type.String(),
  OperatingSystemVersion: Type.String(),
  SideCarAgentVersion: Type.String(),
  Win10SMode: Type.Boolean(),
  UnlockWin10SModeTenantId: nullable(Type.String()),
  UnlockWin10SModeDeviceId: nullable(Type.String()),
  ChannelUriInformation: Type.Unknown(),
  AgentExecutionStartTime: nullable(Type.String()),
  AgentExecutionEndTime: nullable(Type.String()),
  AgentCrashSeen: Type.Boolean(),
  ExtendedInventoryMap: nullable(Type.Record(Type.String(), Type.String())),
});
export type ClientInfo = Static<typeof ClientInfoSchema>;

const CLIENT_INFO_ORDER = Object.keys(ClientInfoSchema.properties);

/**
 * The session envelope the IME PUTs (ime.md §3.1 item 2) and the service echoes back with the
 * response members filled (item 3). `RequestPayload` and `ClientInfo` are JSON text; `ResponsePayload`
 * is JSON text, or base64 for app lists. Unknown members are kept.
 */
export const SideCarSessionSchema = Type.Object({
  Key: Type.String(),
  SessionId: Type.String(),
  RequestContentType: Type.String(),
  RequestPayload: Type.String(),
  ResponseContentType: nullable(Type.String()),
  ClientInfo: nullable(Type.String()),
  ResponsePayload: nullable(Type.String()),
  EnabledFlights: nullable(Type.String()),
  CheckinIntervalMinutes: nullable(Type.Integer({ minimum: 0 })),
  GenericWorkloadRequests: Type.Unknown(),
  GenericWorkloadResponse: Type.Unknown(),
  CheckinReason: Type.Enum(CHECKIN_REASON_NAMES),
  CheckinReasonPayload: Type.Unknown(),
});
export type SideCarSession = Static<typeof SideCarSessionSchema>;

/** The service's answer: the envelope plus the OData annotations (ime.md §3.1 item 3). */
export interface SideCarSessionResponse extends SideCarSession {
  "odata.metadata": string;
  "odata.id": string;
}

const SESSION_ORDER = Object.keys(SideCarSessionSchema.properties);
/**
 * A response's order (the OData annotations first), one list for every call: stringifyOrdered keeps what it learns
 * of an order by the list itself, and a list spread afresh at each call made it learn it again (issue 18).
 */
const SESSION_RESPONSE_ORDER = ["odata.metadata", "odata.id", ...SESSION_ORDER];
const sessionChecker = Compile(SideCarSessionSchema);
const clientInfoChecker = Compile(ClientInfoSchema);

/** Checks a parsed session request body (errors name the member, e.g. `CheckinReason`). */
export function parseSideCarSession(body: unknown): SideCarSession {
  return checkGatewayValue(body, sessionChecker, "SideCar session", "");
}

/** Builds the request envelope for one call; Key and SessionId are the same GUID, as the IME sends them. */
export function createSideCarSessionRequest(request: {
  sessionId: string;
  requestContentType: string;
  requestPayload?: string;
  clientInfo: ClientInfo | null;
  checkinReason: SideCarSession["CheckinReason"];
}): SideCarSession {
  return {
    Key: request.sessionId,
    SessionId: request.sessionId,
    RequestContentType: request.requestContentType,
    RequestPayload: request.requestPayload ?? "[]",
    ResponseContentType: null,
    ClientInfo: request.clientInfo === null ? null : encodeClientInfo(request.clientInfo),
    ResponsePayload: null,
    EnabledFlights: null,
    CheckinIntervalMinutes: null,
    GenericWorkloadRequests: null,
    GenericWorkloadResponse: null,
    CheckinReason: request.checkinReason,
    CheckinReasonPayload: null,
  };
}

/** Builds the service's answer: the request echoed, response members filled, OData annotations added. */
export function createSideCarSessionResponse(
  request: SideCarSession,
  response: {
    serviceRoot: string;
    responseContentType: string;
    responsePayload: string | null;
    enabledFlights?: string | null;
    checkinIntervalMinutes?: number | null;
  },
): SideCarSessionResponse {
  return {
    "odata.metadata": `${response.serviceRoot}/$metadata#SideCarGatewaySessions/@Element`,
    "odata.id": `${response.serviceRoot}/SideCarGatewaySessions('${request.SessionId}')`,
    ...request,
    ResponseContentType: response.responseContentType,
    ResponsePayload: response.responsePayload,
    EnabledFlights: response.enabledFlights ?? null,
    CheckinIntervalMinutes: response.checkinIntervalMinutes ?? null,
  };
}

/** Serializes a session envelope with its members in the IME's order. */
export function serializeSideCarSession(session: SideCarSession | SideCarSessionResponse): string {
  return stringifyOrdered(session, SESSION_RESPONSE_ORDER);
}

/** Parses the `ClientInfo` JSON string (errors at `ClientInfo.<member>`). */
export function parseClientInfo(text: unknown): ClientInfo {
  return decodeJsonMember(text, clientInfoChecker, "ClientInfo", "ClientInfo");
}

/** The JSON of each frozen ClientInfo: an agent sends the same one with every session (issue 18). */
const encodedClientInfos = new WeakMap<ClientInfo, string>();

/** Serializes ClientInfo into the JSON string the envelope carries, members in the IME's order. */
export function encodeClientInfo(info: ClientInfo): string {
  // Only a value that cannot change is remembered: frozen, its one nested member (the inventory map) too.
  const inventory = info.ExtendedInventoryMap;
  if (!Object.isFrozen(info) || (inventory !== null && !Object.isFrozen(inventory)))
    return stringifyOrdered(info, CLIENT_INFO_ORDER);
  let text = encodedClientInfos.get(info);
  if (text === undefined) {
    text = stringifyOrdered(info, CLIENT_INFO_ORDER);
    encodedClientInfos.set(info, text);
  }
  return text;
}
