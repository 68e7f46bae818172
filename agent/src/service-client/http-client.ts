// The device-facing service over HTTP with undici (ime.md §3.1–3.2): service discovery, the device token,
// `PUT SideCarGatewaySessions('{id}')` per request type, and the content download with HTTP Range.
// Every request holds the agent's clock while the network answers, so a virtual clock does not jump past an
// answer on its way; its time-outs run on that clock (network-wait.ts).
import { randomUUID } from "node:crypto";
import {
  type ClientInfo,
  createSideCarSessionRequest,
  decodeAppListPayload,
  encodeContentInfoPayload,
  encodeWin32AppResultPayload,
  parseContentInfo,
  parseContentInfoPayload,
  parseDecryptInfo,
  parseDecryptInfoEnvelope,
  parseSideCarSession,
  RequestContentType,
  type SideCarSession,
  serializeSideCarSession,
  sideCarGatewayUrl,
  sideCarSessionPath,
} from "@imesim/contracts/gateway";
import { type Dispatcher, request } from "undici";
import { type Clock, whileHeld } from "../clock/clock.ts";
import type { AppListKind } from "../events/types.ts";
import { openDecryptInfo } from "./decrypt-info.ts";
import {
  type DeviceIdentity,
  deviceAssertion,
  IME_CLIENT_ID,
  IME_RESOURCE_ID,
  JWT_BEARER_ASSERTION,
  pemToDer,
} from "./device-identity.ts";
import { failureOf, networkFailure, retryAfterMs } from "./http-errors.ts";
import { DEFAULT_STALL_GRACE_MS, type NetworkWait, waitOnNetwork } from "./network-wait.ts";
import { originAndPath, plainOriginAndPath } from "./plain-url.ts";
import { serviceDispatchers } from "./tls-dispatchers.ts";
import { type AccessToken, type ImeServiceClient, ServiceError } from "./types.ts";
import { answersWhole, type WholeAnswerDispatcher } from "./whole-answer.ts";

export interface HttpServiceClientOptions {
  readonly identity: DeviceIdentity;
  readonly clock: Clock;
  /** The SideCarAgentVersion the ClientInfo carries. */
  readonly agentVersion: string;
  /**
   * undici dispatcher for every request (connection pool, in-process routing). When absent and the service
   * is HTTPS, the client builds its own: the device channel presents the device certificate (mutual TLS).
   */
  readonly dispatcher?: Dispatcher;
  /** Time-out while waiting for headers or the next body bytes, in ms of the agent's clock. Default 60 s. */
  readonly timeoutMs?: number;
  /**
   * Wall time with nothing arriving after which a request stops holding a virtual clock. Default 2 s; infinite
   * for a service answering in this process (Fastify inject), whose slow answers are work, never a stall.
   */
  readonly stallGraceMs?: number;
  /** Sees every SideCar reply's raw body (the agent logs it in verbose mode, ime.md §1.1). */
  readonly onSessionResponse?: (requestContentType: string, body: string) => void;
}

const DEVICE_USER_ID = "00000000-0000-0000-0000-000000000000";
const APP_LIST_TYPES: Record<AppListKind, string> = {
  required: RequestContentType.RequestApplication,
  available: RequestContentType.GetAvailableApp,
  selected: RequestContentType.GetSelectedApp,
};

/** The token request's members before the assertion, form-encoded: the same for every request (RFC 7523 §2.2). */
const TOKEN_FORM_HEAD = new URLSearchParams({
  grant_type: "client_credentials",
  client_id: IME_CLIENT_ID,
  scope: `${IME_RESOURCE_ID}/.default`,
  client_assertion_type: JWT_BEARER_ASSERTION,
}).toString();
/** The token request's form: what URLSearchParams writes, without encoding the constant members again per request. */
function tokenForm(assertion: string): string {
  return `${TOKEN_FORM_HEAD}&${new URLSearchParams({ client_assertion: assertion })}`;
}

/** The renewal's members before the refresh token, form-encoded (RFC 6749 §6). */
const RENEWAL_FORM_HEAD = new URLSearchParams({
  grant_type: "refresh_token",
  client_id: IME_CLIENT_ID,
  scope: `${IME_RESOURCE_ID}/.default`,
}).toString();
function renewalForm(refreshToken: string): string {
  return `${RENEWAL_FORM_HEAD}&${new URLSearchParams({ refresh_token: refreshToken })}`;
}

/** The OAuth error code of a token endpoint's refusal (RFC 6749 §5.2), if its body is one. */
function oauthErrorOf(text: string): string | undefined {
  try {
    const error = (JSON.parse(text) as { error?: unknown }).error;
    return typeof error === "string" ? error : undefined;
  } catch {
    return undefined;
  }
}

/** The ImeServiceClient that talks to a real (or mock) Intune service. */
export function createHttpServiceClient(options: HttpServiceClientOptions): ImeServiceClient {
  const { identity, clock } = options;
  const timeout = options.timeoutMs ?? 60_000;
  const stallGrace = options.stallGraceMs ?? DEFAULT_STALL_GRACE_MS;
  const dispatchers = serviceDispatchers(identity, options.dispatcher);
  const otherChannel = dispatchers.other === undefined ? {} : { dispatcher: dispatchers.other };
  const certificateBlob = pemToDer(identity.certificatePem).toString("base64");
  const userTokens = new Map<string, AccessToken>();
  // The refresh token of the device's last token, and of each user's ("" for the device): its next token renews
  // from it instead of a new signed assertion, as Windows' account manager renews from the primary refresh token.
  const refreshTokens = new Map<string, string>();
  let sideCarUrl: string | undefined;

  /**
   * One request/response with a text body, under a clock hold; non-2xx becomes a ServiceError.
   */
  const exchange = async (what: string, url: string, init: ExchangeInit): Promise<string> =>
    acceptedText(what, await answer(what, url, init));

  /** One request/response with a text body, whatever its status, under a clock hold. */
  const answer = async (what: string, url: string, init: ExchangeInit): Promise<TextAnswer> => {
    const wait = waitOnNetwork(clock, what, timeout, stallGrace);
    try {
      const dispatcher = init.channel === "device" ? dispatchers.deviceChannel : dispatchers.other;
      return answersWhole(dispatcher)
        ? await wholeAnswer(dispatcher, what, url, init, wait)
        : await streamedAnswer(what, url, init, wait, dispatcher);
    } finally {
      wait.end();
    }
  };

  /** The body of a 2xx answer; any other status is a ServiceError. */
  const acceptedText = (what: string, response: TextAnswer): string => {
    if (response.statusCode >= 200 && response.statusCode < 300) return response.text;
    const after = retryAfterMs(response.headers["retry-after"], clock.now());
    throw new ServiceError(
      failureOf(response.statusCode),
      `${what}: HTTP ${response.statusCode} ${response.text.slice(0, 200)}`,
      {
        status: response.statusCode,
        ...(after === undefined ? {} : { retryAfterMs: after }),
      },
    );
  };

  const parseJson = (what: string, text: string): unknown => {
    try {
      return JSON.parse(text);
    } catch {
      throw new ServiceError("badResponse", `${what}: the answer is not JSON`);
    }
  };

  const tokenRequest = (body: string): ExchangeInit => ({
    method: "POST",
    channel: "other",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body,
  });

  /** The answer to a token request proven with a fresh device assertion. */
  const provenToken = async (userId: string | undefined): Promise<string> => {
    // The service checks the assertion's lifetime against its own (wall) clock, whatever the agent's clock says.
    // Made under a hold of the clock, as all work the clock must not run past (network waits hold on their own).
    const assertion = await whileHeld(clock, () => deviceAssertion(identity, Date.now(), userId));
    return exchange("token", identity.tokenEndpoint, tokenRequest(tokenForm(assertion)));
  };

  /** The answer to a renewal from `refreshToken`; undefined when the service no longer honours it (invalid_grant). */
  const renewedToken = async (refreshToken: string): Promise<string | undefined> => {
    const response = await answer("token", identity.tokenEndpoint, tokenRequest(renewalForm(refreshToken)));
    if (response.statusCode === 400 && oauthErrorOf(response.text) === "invalid_grant") return undefined;
    return acceptedText("token", response);
  };

  const tokenFor = async (userId: string | undefined): Promise<AccessToken> => {
    const holder = userId ?? "";
    const refreshToken = refreshTokens.get(holder);
    // One use each: whatever the renewal's outcome, the next token needs the refresh token it brings, or a proof.
    refreshTokens.delete(holder);
    const text =
      (refreshToken === undefined ? undefined : await renewedToken(refreshToken)) ??
      (await provenToken(userId));
    const body = parseJson("token", text) as {
      access_token?: unknown;
      expires_in?: unknown;
      refresh_token?: unknown;
    };
    if (typeof body.access_token !== "string")
      throw new ServiceError("badResponse", "token: no access_token");
    if (typeof body.refresh_token === "string") refreshTokens.set(holder, body.refresh_token);
    const lifetime = typeof body.expires_in === "number" ? body.expires_in : Number(body.expires_in ?? 3600);
    return { value: body.access_token, expiresAt: clock.now() + lifetime * 1000 };
  };

  /** The token a session's call goes out with: the device's, or the user's for a user session. */
  const sessionToken = async (deviceToken: string, userId: string): Promise<string> => {
    if (userId === DEVICE_USER_ID) return deviceToken;
    const cached = userTokens.get(userId);
    if (cached !== undefined && clock.now() < cached.expiresAt - 300_000) return cached.value;
    const fresh = await tokenFor(userId);
    userTokens.set(userId, fresh);
    return fresh.value;
  };

  const gateway = async (): Promise<string> => {
    if (sideCarUrl !== undefined) return sideCarUrl;
    const text = await exchange("service discovery", identity.serviceDiscoveryUrl, {
      method: "GET",
      channel: "device",
    });
    sideCarUrl = sideCarGatewayUrl(parseJson("service discovery", text));
    return sideCarUrl;
  };

  // The same for every session of this client: frozen, so its JSON is encoded once (encodeClientInfo).
  const clientInfo: ClientInfo = Object.freeze({
    DeviceName: identity.deviceName,
    OperatingSystemVersion: identity.osVersion,
    SideCarAgentVersion: options.agentVersion,
    Win10SMode: false,
    UnlockWin10SModeTenantId: null,
    UnlockWin10SModeDeviceId: null,
    ChannelUriInformation: null,
    AgentExecutionStartTime: null,
    AgentExecutionEndTime: null,
    AgentCrashSeen: false,
    ExtendedInventoryMap: null,
  });

  const session = async (
    token: string,
    userId: string,
    type: string,
    payload: string,
    reason: SideCarSession["CheckinReason"],
  ): Promise<SideCarSession> => {
    const id = randomUUID();
    const url = `${await gateway()}${sideCarSessionPath(id)}`;
    const bearer = await sessionToken(token, userId);
    const body = serializeSideCarSession(
      createSideCarSessionRequest({
        sessionId: id,
        requestContentType: type,
        requestPayload: payload,
        clientInfo,
        checkinReason: reason,
      }),
    );
    try {
      const text = await exchange(type, url, {
        method: "PUT",
        channel: "device",
        headers: {
          "content-type": "application/json",
          prefer: "return-content",
          authorization: `Bearer ${bearer}`,
        },
        body,
      });
      options.onSessionResponse?.(type, text);
      return parseSideCarSession(parseJson(type, text));
    } catch (error) {
      if (error instanceof ServiceError && error.failure === "unauthorized") userTokens.delete(userId);
      throw error;
    }
  };

  return {
    // Each network wait and the signing hold the clock themselves; between them only synchronous work runs
    // (parsing, the CMS of DecryptInfo), so a whole-call hold would only keep a stalled request's clock still.
    acquireToken: () => tokenFor(undefined),
    requestApps: async (req) => {
      const answer = await session(req.token, req.userId, APP_LIST_TYPES[req.kind], "[]", req.reason);
      const payload = answer.ResponsePayload;
      return {
        policiesJson: payload === null || payload === "" ? "[]" : decodeAppListPayload(payload),
        ...(answer.CheckinIntervalMinutes === null
          ? {}
          : { checkinIntervalMinutes: answer.CheckinIntervalMinutes }),
      };
    },
    getContentInfo: async (req) => {
      const payload = encodeContentInfoPayload({
        ApplicationId: req.appId,
        ApplicationVersion: req.version,
        Intent: req.intent,
        CertificateBlob: certificateBlob,
        ContentInfo: null,
        SecondaryContentInfo: null,
        DecryptInfo: null,
        UploadLocation: null,
        TargetingMethod: 0,
        ErrorCode: null,
        TargetType: req.targetType,
        InstallContext: req.installContext,
        EspPhase: 2,
        ApplicationName: req.appName,
        AssignmentFilterIds: null,
        ManagedInstallerStatus: 1,
        ApplicationEnforcement: 0,
      });
      const answer = await session(
        req.token,
        req.userId,
        RequestContentType.GetContentInfo,
        payload,
        "Unknown",
      );
      if (answer.ResponsePayload === null)
        throw new ServiceError("badResponse", "GetContentInfo: empty ResponsePayload");
      const info = parseContentInfoPayload(answer.ResponsePayload, "ResponsePayload");
      if (info.ContentInfo === null || info.DecryptInfo === null) {
        throw new ServiceError("notFound", `GetContentInfo: no content for ${req.appId}`);
      }
      const content = parseContentInfo(info.ContentInfo);
      const keys = parseDecryptInfo(openDecryptInfo(identity, parseDecryptInfoEnvelope(info.DecryptInfo)));
      return {
        url: content.UploadLocation,
        ...(content.SizeEncrypted === undefined ? {} : { size: content.SizeEncrypted }),
        encryption: keys,
      };
    },
    async *downloadContent(req) {
      const wait = waitOnNetwork(clock, "content download", timeout, stallGrace);
      try {
        let response: Dispatcher.ResponseData;
        try {
          const options = {
            method: "GET",
            headers: req.fromByte > 0 ? { range: `bytes=${req.fromByte}-` } : {},
            headersTimeout: 0,
            bodyTimeout: 0,
            signal: wait.signal(),
          } as const;
          // A plain URL's origin and path are what `request(url)` would parse out of it: handed to the channel's
          // dispatcher as they are, as `request` hands them, without its URL parse.
          const channel = dispatchers.other;
          const target = channel === undefined ? undefined : plainOriginAndPath(req.url);
          response =
            channel !== undefined && target !== undefined
              ? await channel.request({ ...options, origin: target.origin, path: target.path })
              : await request(req.url, { ...options, ...otherChannel });
        } catch (error) {
          throw wait.timedOut() ?? networkFailure(error, "content download", false);
        }
        wait.progress();
        // A resume asked for bytes past the end: when the server's whole length is exactly what we hold (a crash
        // after the last byte landed, before the .bin was used), the content is complete and nothing is missing.
        if (response.statusCode === 416 && req.fromByte > 0 && completeLengthOf(response) === req.fromByte) {
          await response.body.dump();
          return;
        }
        if (response.statusCode !== 200 && response.statusCode !== 206) {
          const text = await response.body.text().catch(() => "");
          const after = retryAfterMs(response.headers["retry-after"], clock.now());
          throw new ServiceError(
            failureOf(response.statusCode),
            `content download: HTTP ${response.statusCode} ${text.slice(0, 200)}`,
            {
              status: response.statusCode,
              ...(after === undefined ? {} : { retryAfterMs: after }),
            },
          );
        }
        // A server that ignores Range answers 200 with the whole file: skip what we already have.
        let skip = response.statusCode === 200 ? req.fromByte : 0;
        try {
          for await (const chunk of response.body) {
            wait.progress();
            const bytes = chunk as Buffer;
            if (skip >= bytes.length) {
              skip -= bytes.length;
              continue;
            }
            // While the caller works on a chunk the clock stays held and no time-out runs.
            wait.pause();
            yield new Uint8Array(bytes.subarray(skip));
            wait.progress();
            skip = 0;
          }
        } catch (error) {
          throw wait.timedOut() ?? networkFailure(error, "content download", true);
        }
      } finally {
        wait.end();
      }
    },
    sendResults: async (req) => {
      await session(
        req.token,
        req.userId,
        RequestContentType.Win32AppResult,
        encodeWin32AppResultPayload(req.results),
        "Unknown",
      );
    },
    scriptSession: async (req) =>
      (await session(req.token, req.userId, req.contentType, req.payload, req.reason)).ResponsePayload,
    async close() {
      await Promise.all(dispatchers.created.map((dispatcher) => dispatcher.close()));
    },
  };
}

/** One text request as `exchange` sends it. */
interface TextRequest {
  readonly method: "GET" | "POST" | "PUT";
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

/** A request of the client: a text request and which channel it goes out on. */
interface ExchangeInit extends TextRequest {
  /** `device` requests (discovery, SideCar sessions) go out with the device certificate over TLS. */
  readonly channel: "device" | "other";
}

/** A text answer: status, headers, the body decoded as UTF-8. */
interface TextAnswer {
  readonly statusCode: number;
  readonly headers: Dispatcher.ResponseData["headers"];
  readonly text: string;
}

/** The request through undici (a socket, or a dispatcher that streams), its body read to the end. */
async function streamedAnswer(
  what: string,
  url: string,
  init: TextRequest,
  wait: NetworkWait,
  dispatcher: Dispatcher | undefined,
): Promise<TextAnswer> {
  let response: Dispatcher.ResponseData;
  try {
    response = await request(url, {
      method: init.method,
      ...(init.headers === undefined ? {} : { headers: init.headers }),
      ...(init.body === undefined ? {} : { body: init.body }),
      // The agent's clock times the wait (network-wait.ts); undici's timers would count wall time.
      headersTimeout: 0,
      bodyTimeout: 0,
      signal: wait.signal(),
      ...(dispatcher === undefined ? {} : { dispatcher }),
    });
  } catch (error) {
    throw wait.timedOut() ?? networkFailure(error, what, false);
  }
  wait.progress();
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of response.body) {
      wait.progress();
      chunks.push(chunk as Buffer);
    }
  } catch (error) {
    throw wait.timedOut() ?? networkFailure(error, what, true);
  }
  return {
    statusCode: response.statusCode,
    headers: response.headers,
    text: Buffer.concat(chunks).toString("utf8"),
  };
}

/**
 * The request answered whole by an in-process service (whole-answer.ts). The wait sees what it sees of such a
 * service through undici: the headers, then the body as one chunk.
 */
async function wholeAnswer(
  dispatcher: WholeAnswerDispatcher,
  what: string,
  url: string,
  init: TextRequest,
  wait: NetworkWait,
): Promise<TextAnswer> {
  const target = originAndPath(url);
  let answer: Awaited<ReturnType<WholeAnswerDispatcher["requestWhole"]>>;
  try {
    answer = await dispatcher.requestWhole({
      origin: target.origin,
      path: target.path,
      method: init.method,
      ...(init.headers === undefined ? {} : { headers: init.headers }),
      ...(init.body === undefined ? {} : { body: init.body }),
      signal: wait.abort,
    });
  } catch (error) {
    throw wait.timedOut() ?? networkFailure(error, what, (error as { midBody?: unknown }).midBody === true);
  }
  wait.progress();
  if (answer.text.length > 0) wait.progress();
  return answer;
}

// The complete length that a 416's Content-Range ("bytes *" then "/N") names, RFC 9110 §14.4; or undefined.
function completeLengthOf(response: Dispatcher.ResponseData): number | undefined {
  const header = response.headers["content-range"];
  const match = /^bytes \*\/(\d+)$/.exec(typeof header === "string" ? header.trim() : "");
  return match?.[1] === undefined ? undefined : Number(match[1]);
}
