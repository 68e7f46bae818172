import {
  createServiceAddresses,
  createSideCarSessionResponse,
  encodeContentInfo,
  encodeContentInfoPayload,
  parseContentInfoPayload,
  parseSideCarSession,
  parseWin32AppResultPayload,
  RequestContentType,
  ResponseContentType,
  SERVICE_DISCOVERY_PATH,
  SIDECAR_API_VERSION,
  SIDECAR_SERVICE_NAME,
  type SideCarSession,
  serializeSideCarSession,
} from "@imesim/contracts/gateway";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { contentUrl } from "../content/content-url.ts";
import { baseUrlOf, type ServiceContext } from "../context.ts";
import { deviceCache } from "../device-cache.ts";
import { injectRequestFaults } from "../faults/apply.ts";
import { authenticate } from "../http/auth.ts";
import { requireDeviceCertificate } from "../http/client-certificate.ts";
import { sendGraphError } from "../http/graph-error.ts";
import { imeResourceId } from "../identity/well-known-ids.ts";
import { answerInventoryRequest } from "../inventory/gateway-answer.ts";
import { deviceCertificate } from "../pki/device-certificates.ts";
import { answerScriptRequest, scriptRequestTypes } from "../scripts/gateway-answers.ts";
import type { DeviceRecord } from "../store/records.ts";
import { createAppListEncoder } from "./app-list-encoding.ts";
import { type ContentLookup, createContentLookup } from "./content-lookup.ts";
import { sealDecryptInfo } from "./decrypt-info.ts";
import { type AppListKind, policiesFor, reachableAppIds } from "./device-policies.ts";
import { statusFromResult } from "./status-report.ts";

/** Where the SideCar gateway lives on this service; discovery hands out `<base>/SideCar`. */
export const sideCarPrefix = "/SideCar";

const appListKinds: Record<string, AppListKind> = {
  [RequestContentType.RequestApplication]: "required",
  [RequestContentType.GetAvailableApp]: "available",
  [RequestContentType.GetSelectedApp]: "selected",
};

// Known request types the mock has nothing for (platform scripts, remediations, inventory …):
// they get an empty list, as a tenant without such policies would answer.
const emptyAnswerTypes = new Set<string>(
  Object.values(RequestContentType).filter(
    (type) =>
      !(type in appListKinds) &&
      type !== RequestContentType.GetContentInfo &&
      type !== RequestContentType.ApplicationInventory &&
      type !== RequestContentType.Win32AppResult,
  ),
);

/** A device's encoded app list, cached until the store changes. */
interface CachedList {
  readonly generation: number;
  readonly payload: string;
}

/**
 * The device channel (ime.md §3.1–3.2, §9): service discovery, and
 * `PUT /SideCar/SideCarGatewaySessions('{id}')?api-version=1.5` dispatching on RequestContentType.
 * Every session call needs a device token (audience = Intune Checkin, an enrolled device). Over TLS both
 * routes also need the device's MDM certificate as the TLS client certificate (requireDeviceCertificate).
 */
export function gatewayRoutes(context: ServiceContext) {
  return async (app: FastifyInstance): Promise<void> => {
    const listCache = deviceCache<CachedList>();
    const findContent = createContentLookup(context.store);
    const encodeList = createAppListEncoder();

    app.get(SERVICE_DISCOVERY_PATH, async (request, reply) => {
      if (await injectRequestFaults(context.faults, request, reply, { route: "discovery", method: "GET" }))
        return reply;
      if (requireDeviceCertificate(context, request, reply) === undefined) return reply;
      return createServiceAddresses({
        [SIDECAR_SERVICE_NAME]: `${baseUrlOf(context, request)}${sideCarPrefix}`,
      });
    });

    app.put<{ Params: { sessionId: string }; Querystring: { "api-version"?: string } }>(
      `${sideCarPrefix}/SideCarGatewaySessions/:sessionId`,
      { bodyLimit: 16 * 1024 * 1024 },
      async (request, reply) => {
        const claims = await authenticate(context, request, reply, [imeResourceId], {
          route: "gateway",
          method: "PUT",
        });
        if (claims === undefined) return reply;
        const device = claims.deviceid === undefined ? undefined : context.store.getDevice(claims.deviceid);
        // A token speaks for the device itself or for one of its own users, never for another object.
        const oid = claims.oid.toLowerCase();
        if (
          device !== undefined &&
          oid !== device.id.toLowerCase() &&
          !device.users.some((user) => user.id.toLowerCase() === oid)
        ) {
          return sendGraphError(
            request,
            reply,
            401,
            "InvalidAuthenticationToken",
            "The token's user does not sign in on its device.",
          );
        }
        if (device === undefined) {
          return sendGraphError(
            request,
            reply,
            401,
            "InvalidAuthenticationToken",
            "The token does not name an enrolled device.",
          );
        }
        if (requireDeviceCertificate(context, request, reply, device.id) === undefined) return reply;
        if (request.query["api-version"] !== SIDECAR_API_VERSION) {
          return sendGraphError(
            request,
            reply,
            400,
            "BadRequest",
            `api-version must be ${SIDECAR_API_VERSION}.`,
          );
        }
        const session = parseSideCarSession(request.body);
        if (session.SessionId.toLowerCase() !== request.params.sessionId.toLowerCase()) {
          return sendGraphError(
            request,
            reply,
            400,
            "BadRequest",
            "SessionId does not match the session in the URL.",
          );
        }
        const fault = {
          route: "gateway" as const,
          method: "PUT",
          requestContentType: session.RequestContentType,
          deviceId: device.id,
        };
        if (await injectRequestFaults(context.faults, request, reply, fault)) return reply;

        const type = session.RequestContentType;
        const userId = oid === device.id.toLowerCase() ? undefined : oid;
        let payload: string | null;
        const kind = appListKinds[type];
        if (kind !== undefined) {
          payload = cachedAppList(context, listCache, encodeList, device.id, userId, kind);
        } else if (type === RequestContentType.GetContentInfo) {
          const answer = await contentInfo(context, findContent, request, device, userId, session);
          if (answer === undefined) {
            return sendGraphError(request, reply, 404, "NotFound", "The requested content was not found.");
          }
          payload = answer;
        } else if (type === RequestContentType.Win32AppResult) {
          const results = parseWin32AppResultPayload(session.RequestPayload);
          const now = new Date().toISOString();
          const known = reachableAppIds(context.store, device.id, userId);
          // Reports for apps not assigned here are dropped: a device cannot write another's status.
          // Statuses are no policy input (device-policies.ts reads apps, assignments, groups and filters only).
          context.store.transaction(
            () => {
              for (const result of results) {
                if (known.has(result.ApplicationId.toLowerCase()))
                  context.store.putStatus(statusFromResult(device.id, result, now));
              }
            },
            { policyInputs: false },
          );
          payload = null;
        } else if (type === RequestContentType.ApplicationInventory) {
          payload = answerInventoryRequest(context.store, device.id, session.RequestPayload);
        } else if (scriptRequestTypes.has(type)) {
          payload = answerScriptRequest(context.store, type, device.id, userId, session.RequestPayload);
        } else if (emptyAnswerTypes.has(type)) {
          payload = "[]";
        } else {
          return sendGraphError(
            request,
            reply,
            400,
            "BadRequest",
            `RequestContentType '${type}' is not known.`,
          );
        }
        context.store.touchDevice(device.id, Date.now());
        return sendSession(context, request, reply, session, payload);
      },
    );
  };
}

function cachedAppList(
  context: ServiceContext,
  cache: ReturnType<typeof deviceCache<CachedList>>,
  encodeList: ReturnType<typeof createAppListEncoder>,
  deviceId: string,
  userId: string | undefined,
  kind: AppListKind,
): string {
  const key = `${deviceId}|${userId ?? ""}|${kind}`;
  const generation = context.store.generation;
  const cached = cache.get(key);
  if (cached !== undefined && cached.generation === generation) return cached.payload;
  const payload = encodeList(policiesFor(context.store, deviceId, userId, kind));
  cache.set(key, { generation, payload });
  return payload;
}

/**
 * GetContentInfo (ime.md §3.2): the `.bin` location for this device and the keys sealed to its
 * certificate. Undefined (→ 404) for an app not assigned to the caller, content not committed,
 * or a CertificateBlob that is not the caller's own certificate.
 */
async function contentInfo(
  context: ServiceContext,
  findContent: ContentLookup,
  request: FastifyRequest,
  device: DeviceRecord,
  userId: string | undefined,
  session: SideCarSession,
): Promise<string | undefined> {
  const asked = parseContentInfoPayload(session.RequestPayload);
  // The device's certificate as read once (device-certificates.ts), not decoded from its PEM per request.
  const ownCertificate = deviceCertificate(device.certificatePem).base64;
  const blob = asked.CertificateBlob;
  if (blob !== null && blob !== ownCertificate && blob.replace(/\s+/g, "") !== ownCertificate)
    return undefined;
  const file = findContent(device.id, userId, asked.ApplicationId, asked.ApplicationVersion);
  if (file === undefined || file.encryptionInfo === null) return undefined;
  const location = contentUrl(context, request, file, device.id);
  return encodeContentInfoPayload({
    ...asked,
    ContentInfo: encodeContentInfo({ UploadLocation: location, SizeEncrypted: file.sizeEncrypted }),
    DecryptInfo: sealDecryptInfo(device.certificatePem, file.encryptionInfo),
    UploadLocation: location,
    ErrorCode: null,
  });
}

function sendSession(
  context: ServiceContext,
  request: FastifyRequest,
  reply: FastifyReply,
  session: SideCarSession,
  payload: string | null,
): FastifyReply {
  const response = createSideCarSessionResponse(session, {
    serviceRoot: `${baseUrlOf(context, request)}${sideCarPrefix}`,
    responseContentType: ResponseContentType.PolicyResponse,
    responsePayload: payload,
    checkinIntervalMinutes: context.options.checkinIntervalMinutes,
  });
  return reply
    .header("content-type", "application/json; charset=utf-8")
    .send(serializeSideCarSession(response));
}
