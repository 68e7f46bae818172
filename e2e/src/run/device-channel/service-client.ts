// The agent's ImeServiceClient over a Transport: what the real IME does on the wire (ime.md §3) —
// an Entra token from the device's certificate (the device grant of graph-win32.md §5.4), the SideCar
// gateway session calls with their payload codecs (contracts/gateway), DecryptInfo opened with the
// device key (CMS, pkijs), the content with HTTP Range, and the Win32AppResult upload.
import { randomUUID, webcrypto } from "node:crypto";
import { type Clock, whileHeld } from "@imesim/agent";
import { type ImeServiceClient, ServiceError } from "@imesim/agent/service-client";
import {
  createSideCarSessionRequest,
  decodeAppListPayload,
  encodeContentInfoPayload,
  encodeWin32AppResultPayload,
  parseContentInfo,
  parseContentInfoPayload,
  parseDecryptInfo,
  parseDecryptInfoEnvelope,
  RequestContentType,
  SERVICE_DISCOVERY_PATH,
  SIDECAR_SERVICE_NAME,
  serializeSideCarSession,
  sideCarSessionPath,
} from "@imesim/contracts/gateway";
import { imeAgentClientId, imeResourceId, jwtBearerAssertionType } from "@imesim/mock-service";
import { importPKCS8, SignJWT } from "jose";
import * as pkijs from "pkijs";
import type { EnrolledDevice } from "./enrollment.ts";
import type { Transport, TransportResponse } from "./transport.ts";

const DEVICE_CONTEXT = "00000000-0000-0000-0000-000000000000";
const APP_LIST_TYPES = {
  required: RequestContentType.RequestApplication,
  available: RequestContentType.GetAvailableApp,
  selected: RequestContentType.GetSelectedApp,
} as const;

const pemBody = (pem: string) => Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ""), "base64");

/** Turns a failed response into the ServiceError the agent reacts to (retry, renew, give up). */
function failureOf(what: string, response: TransportResponse): ServiceError {
  const text = response.body.toString("utf8").slice(0, 300);
  const message = `${what}: HTTP ${response.status} ${text}`;
  const status = response.status;
  if (status === 401) return new ServiceError("unauthorized", message, { status });
  if (status === 404) return new ServiceError("notFound", message, { status });
  if (status === 429) {
    const seconds = Number(response.headers["retry-after"] ?? "");
    return new ServiceError("throttled", message, {
      status,
      ...(Number.isFinite(seconds) ? { retryAfterMs: seconds * 1000 } : {}),
    });
  }
  if (status === 408 || status === 504) return new ServiceError("timeout", message, { status });
  if (status >= 500) return new ServiceError("unavailable", message, { status });
  return new ServiceError("badResponse", message, { status });
}

async function send(
  transport: Transport,
  what: string,
  request: Parameters<Transport>[0],
): Promise<TransportResponse> {
  try {
    return await transport(request);
  } catch (cause) {
    throw new ServiceError("connectionDropped", `${what}: ${(cause as Error).message}`);
  }
}

/** Options of the device channel. */
export interface DeviceChannelOptions {
  readonly transport: Transport;
  readonly device: EnrolledDevice;
  /**
   * The agent's clock: token expiry is judged on its time, and every call holds it, so a virtual clock
   * does not jump ahead while the service answers.
   */
  readonly clock: Clock;
}

/** The device's service client: every call the IME makes, over `transport`. */
export function createDeviceServiceClient(options: DeviceChannelOptions): ImeServiceClient {
  const { transport, device } = options;
  const certificateBlob = pemBody(device.certificate).toString("base64");
  const userTokens = new Map<string, { value: string; expiresAt: number }>();
  let gatewayPath: string | undefined;
  let keyPromise: ReturnType<typeof importPKCS8> | undefined;

  async function token(userId: string | undefined): Promise<{ value: string; expiresAt: number }> {
    keyPromise ??= importPKCS8(device.privateKey, "RS256");
    const thumbprint = Buffer.from(
      await webcrypto.subtle.digest("SHA-1", pemBody(device.certificate)),
    ).toString("base64url");
    const assertion = await new SignJWT(userId === undefined ? {} : { oid: userId })
      .setProtectedHeader({ alg: "RS256", x5t: thumbprint })
      .setIssuer(device.deviceId)
      .setSubject(device.deviceId)
      .setAudience(device.tokenEndpoint)
      .setJti(randomUUID())
      .setIssuedAt()
      .setExpirationTime("10m")
      .sign(await keyPromise);
    const response = await send(transport, "token", {
      method: "POST",
      url: device.tokenEndpoint,
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "client_credentials",
        client_id: imeAgentClientId,
        scope: `${imeResourceId}/.default`,
        client_assertion_type: jwtBearerAssertionType,
        client_assertion: assertion,
      }).toString(),
    });
    if (response.status !== 200) throw failureOf("token", response);
    const body = JSON.parse(response.body.toString("utf8")) as { access_token: string; expires_in: number };
    return { value: body.access_token, expiresAt: options.clock.now() + body.expires_in * 1000 };
  }

  /** A user session's calls carry a token for that user (oid), the device session the device's. */
  async function tokenFor(deviceToken: string, userId: string): Promise<string> {
    if (userId.toLowerCase() === DEVICE_CONTEXT) return deviceToken;
    const cached = userTokens.get(userId);
    if (cached !== undefined && cached.expiresAt > options.clock.now() + 60_000) return cached.value;
    const fresh = await token(userId);
    userTokens.set(userId, fresh);
    return fresh.value;
  }

  async function gateway(accessToken: string): Promise<string> {
    if (gatewayPath !== undefined) return gatewayPath;
    const response = await send(transport, "service discovery", {
      method: "GET",
      url: SERVICE_DISCOVERY_PATH,
      headers: { authorization: `Bearer ${accessToken}` },
    });
    if (response.status !== 200) throw failureOf("service discovery", response);
    const addresses = JSON.parse(response.body.toString("utf8")) as Array<{
      Services: Array<{ ServiceName: string; Url: string }>;
    }>;
    const url = addresses[0]?.Services.find((service) => service.ServiceName === SIDECAR_SERVICE_NAME)?.Url;
    if (url === undefined)
      throw new ServiceError("badResponse", "service discovery names no SideCarGatewayService");
    gatewayPath = url;
    return url;
  }

  async function session(
    accessToken: string,
    requestContentType: string,
    payload: string,
    reason: Parameters<typeof createSideCarSessionRequest>[0]["checkinReason"],
  ): Promise<{ ResponsePayload: string | null; CheckinIntervalMinutes?: number | null }> {
    const sessionId = randomUUID();
    const base = await gateway(accessToken);
    const envelope = createSideCarSessionRequest({
      sessionId,
      requestContentType,
      requestPayload: payload,
      clientInfo: null,
      checkinReason: reason,
    });
    const response = await send(transport, requestContentType, {
      method: "PUT",
      url: `${base}${sideCarSessionPath(sessionId)}`,
      headers: {
        authorization: `Bearer ${accessToken}`,
        "content-type": "application/json",
        prefer: "return-content",
      },
      body: serializeSideCarSession(envelope),
    });
    if (response.status !== 200) throw failureOf(requestContentType, response);
    return JSON.parse(response.body.toString("utf8")) as {
      ResponsePayload: string | null;
      CheckinIntervalMinutes?: number | null;
    };
  }

  async function openDecryptInfo(xml: string): Promise<string> {
    pkijs.setEngine(
      "imesim",
      new pkijs.CryptoEngine({ name: "imesim", crypto: webcrypto as unknown as Crypto }),
    );
    const content = pkijs.ContentInfo.fromBER(
      new Uint8Array(Buffer.from(parseDecryptInfoEnvelope(xml), "base64")),
    );
    const enveloped = new pkijs.EnvelopedData({ schema: content.content });
    const plain = await enveloped.decrypt(0, {
      recipientCertificate: pkijs.Certificate.fromBER(new Uint8Array(pemBody(device.certificate))),
      recipientPrivateKey: new Uint8Array(pemBody(device.privateKey)),
    });
    return Buffer.from(plain).toString("utf8");
  }

  const { clock } = options;
  return {
    acquireToken: () => whileHeld(clock, () => token(undefined)),
    requestApps: (request) =>
      whileHeld(clock, async () => {
        const accessToken = await tokenFor(request.token, request.userId);
        const reply = await session(accessToken, APP_LIST_TYPES[request.kind], "[]", request.reason);
        const minutes = reply.CheckinIntervalMinutes;
        return {
          policiesJson: reply.ResponsePayload === null ? "[]" : decodeAppListPayload(reply.ResponsePayload),
          ...(typeof minutes === "number" ? { checkinIntervalMinutes: minutes } : {}),
        };
      }),
    getContentInfo: (request) =>
      whileHeld(clock, async () => {
        const accessToken = await tokenFor(request.token, request.userId);
        const payload = encodeContentInfoPayload({
          ApplicationId: request.appId,
          ApplicationVersion: request.version,
          Intent: request.intent as 0 | 1 | 3 | 4,
          CertificateBlob: certificateBlob,
          ContentInfo: null,
          SecondaryContentInfo: null,
          DecryptInfo: null,
          UploadLocation: null,
          TargetingMethod: 0,
          ErrorCode: null,
          TargetType: request.targetType as 0 | 1 | 2 | 3,
          InstallContext: request.installContext as 1 | 2,
          EspPhase: 2,
          ApplicationName: request.appName,
          AssignmentFilterIds: null,
          ManagedInstallerStatus: 1,
          ApplicationEnforcement: 0,
        });
        const reply = await session(accessToken, RequestContentType.GetContentInfo, payload, "Unknown");
        if (reply.ResponsePayload === null)
          throw new ServiceError("badResponse", "GetContentInfo answered without a payload");
        const answer = parseContentInfoPayload(reply.ResponsePayload, "ResponsePayload");
        if (answer.ContentInfo === null || answer.DecryptInfo === null)
          throw new ServiceError("badResponse", "GetContentInfo answered without ContentInfo or DecryptInfo");
        const info = parseContentInfo(answer.ContentInfo);
        const keys = parseDecryptInfo(await openDecryptInfo(answer.DecryptInfo));
        return {
          url: info.UploadLocation,
          ...(info.SizeEncrypted === undefined ? {} : { size: info.SizeEncrypted }),
          encryption: {
            EncryptionKey: keys.EncryptionKey,
            MacKey: keys.MacKey ?? "",
            IV: keys.IV,
            Mac: keys.Mac ?? "",
            ProfileIdentifier: keys.ProfileIdentifier,
            FileDigest: keys.FileDigest ?? "",
            FileDigestAlgorithm: keys.FileDigestAlgorithm ?? "SHA256",
          },
        };
      }),
    async *downloadContent(request) {
      const response = await whileHeld(clock, () =>
        send(transport, "content", {
          method: "GET",
          url: request.url,
          headers: {
            authorization: `Bearer ${request.token}`,
            ...(request.fromByte > 0 ? { range: `bytes=${request.fromByte}-` } : {}),
          },
        }),
      );
      if (response.status !== 200 && response.status !== 206) throw failureOf("content", response);
      const declared = Number(response.headers["content-length"] ?? response.body.length);
      if (response.body.length > 0) yield new Uint8Array(response.body);
      // A body shorter than its Content-Length is a dropped connection: the agent resumes with a Range.
      if (Number.isFinite(declared) && response.body.length < declared)
        throw new ServiceError(
          "connectionDropped",
          `content: ${response.body.length} of ${declared} bytes before the connection dropped`,
        );
    },
    sendResults: (request) =>
      whileHeld(clock, async () => {
        const accessToken = await tokenFor(request.token, request.userId);
        await session(
          accessToken,
          RequestContentType.Win32AppResult,
          encodeWin32AppResultPayload(request.results),
          "Unknown",
        );
      }),
  };
}
