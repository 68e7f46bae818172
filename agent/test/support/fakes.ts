// Test doubles for the agent's ports: an in-memory Intune service, a transparent content codec and a
// small file/registry detection evaluator. Real wire tests live in e2e; the rule engine has its own tests.
import { createHash } from "node:crypto";
import { DEFAULT_RETURN_CODES, DeviceRestartBehavior, Intent, TargetType } from "@imesim/contracts/enums";
import type { DecryptInfo, Win32AppResult } from "@imesim/contracts/gateway";
import { type DecodedImePolicy, serializePolicies } from "@imesim/contracts/ime";
import { bytesOf } from "../../src/host/files/file-store.ts";
import type { Host } from "../../src/host/types.ts";
import type { AppEvaluator, ContentCodec, PackageEntry } from "../../src/machines/ports.ts";
import { type ImeServiceClient, ServiceError, type ServiceFailure } from "../../src/service-client/types.ts";

export const DEVICE = "00000000-0000-0000-0000-000000000000";

/** A decoded policy with the portal's defaults (ime.md §2.1, §2.6, §2.7), file-exists detection on `marker`. */
export function makePolicy(
  id: string,
  overrides: Partial<DecodedImePolicy> & {
    marker?: string;
    installEx?: Partial<DecodedImePolicy["InstallEx"]>;
  } = {},
): DecodedImePolicy {
  const { marker, installEx, ...rest } = overrides;
  const markerPath = marker ?? `C:\\Program Files\\${id}\\app.exe`;
  const folder = markerPath.slice(0, markerPath.lastIndexOf("\\"));
  const file = markerPath.slice(markerPath.lastIndexOf("\\") + 1);
  return {
    Id: id,
    Name: `App ${id.slice(0, 8)}`,
    Version: 1,
    Intent: Intent.Required,
    TargetType: TargetType.Device,
    AppApplicabilityStateDueToAssginmentFilters: null,
    AssignmentFilterIds: null,
    DetectionRule: [
      {
        DetectionType: 2,
        DetectionText: {
          Path: folder,
          FileOrFolderName: file,
          Check32BitOn64System: false,
          DetectionType: 1,
          Operator: 0,
          DetectionValue: null,
        },
      },
    ],
    InstallCommandLine: `setup-${id.slice(0, 8)}.exe /quiet`,
    UninstallCommandLine: `setup-${id.slice(0, 8)}.exe /uninstall /quiet`,
    RequirementRules: {
      RequiredOSArchitecture: 96,
      MinimumFreeDiskSpaceInMB: null,
      MinimumWindows10BuildNumer: null,
      MinimumMemoryInMB: null,
      MinimumNumberOfProcessors: null,
      MinimumCpuSpeed: null,
      RunAs32Bit: false,
    },
    ExtendedRequirementRules: [],
    InstallEx: {
      RunAs: 1,
      RequiresLogon: false,
      InstallProgramVisibility: 3,
      MaxRetries: 3,
      RetryIntervalInMinutes: 5,
      MaxRunTimeInMinutes: 60,
      DeviceRestartBehavior: DeviceRestartBehavior.BasedOnReturnCode,
      ...installEx,
    },
    ReturnCodes: [...DEFAULT_RETURN_CODES],
    AvailableAppEnforcement: 0,
    SetUpFilePath: "setup.exe",
    ToastState: 2,
    Targeted: 1,
    FlatDependencies: null,
    MetadataVersion: 4,
    RelationVersion: 0,
    RebootEx: { GracePeriod: -1, Countdown: -1, Snooze: -1 },
    InstallBehavior: 0,
    StartDeadlineEx: { TimeFormat: "", StartTime: null, Deadline: null },
    ReevaluationInterval: 480,
    ...rest,
  };
}

/** A transparent "encryption": 32-byte SHA-256 MAC ‖ JSON of the package's files. */
export function fakePackage(files: Record<string, string>): {
  bytes: Uint8Array;
  keys: DecryptInfo;
} {
  const body = Buffer.from(JSON.stringify(files), "utf8");
  const mac = createHash("sha256").update(body).digest();
  return {
    bytes: new Uint8Array(Buffer.concat([mac, body])),
    keys: {
      EncryptionKey: "",
      IV: "",
      MacKey: "",
      Mac: mac.toString("base64"),
      ProfileIdentifier: "ProfileVersion1",
      FileDigest: "",
      FileDigestAlgorithm: "SHA256",
    },
  };
}

/** The codec for fakePackage content: checks the MAC, "decrypts" to the JSON, "unzips" it. */
export const fakeCodec: ContentCodec = {
  async verify(encrypted, keys) {
    const mac = createHash("sha256").update(bytesOf(encrypted).subarray(32)).digest("base64");
    if (mac !== keys.Mac) throw new Error("file hash validation failed: HMAC mismatch");
  },
  async decrypt() {},
  async unzip(encrypted): Promise<PackageEntry[]> {
    const files = JSON.parse(Buffer.from(bytesOf(encrypted).subarray(32)).toString("utf8")) as Record<
      string,
      string
    >;
    return Object.entries(files).map(([path, text]) => ({ path, data: new TextEncoder().encode(text) }));
  },
};

/** Detection for the rule kinds these tests use: file/folder exists (and version ≥) and registry key/value exists. */
export const fileRegistryEvaluator: AppEvaluator = {
  detect(policy, host: Host) {
    const lines: string[] = [];
    let detected = true;
    let version: string | undefined;
    for (const rule of policy.DetectionRule) {
      if (rule.DetectionType === 2) {
        const path = `${rule.DetectionText.Path}\\${rule.DetectionText.FileOrFolderName}`;
        const exists = host.fs.stat(path) !== undefined;
        let ok = exists;
        if (exists && rule.DetectionText.DetectionType === 4) {
          version = host.fs.fileVersion(path);
          ok = version !== undefined && version >= (rule.DetectionText.DetectionValue ?? "");
        }
        lines.push(
          exists
            ? `[Win32App] Checked filePath: ${path}, Exists: True, applicationDetected: ${ok ? "True" : "False"}`
            : `[Win32App] Path doesn't exists: ${path} applicationDetected: False`,
        );
        detected &&= ok;
      } else if (rule.DetectionType === 0) {
        const key = rule.DetectionText.Path;
        const name = rule.DetectionText.KeyName;
        const view = rule.DetectionText.Check32BitOn64System ? 32 : 64;
        const ok =
          name === null || name === ""
            ? host.registry.keyExists(key, { view })
            : host.registry.getValue(key, name, { view }) !== undefined;
        lines.push(
          `[Win32App] Checked reg path: ${key}, name: ${name ?? ""}, result of applicationDetected: ${ok ? "True" : "False"}`,
        );
        detected &&= ok;
      } else {
        detected = false;
      }
    }
    lines.push(
      `[Win32App] Completed detectionManager SideCarFileDetectionManager, applicationDetectedByCurrentRule: ${detected ? "True" : "False"}`,
    );
    return { detected, ...(version === undefined ? {} : { version }), lines };
  },
  checkApplicability(policy, host) {
    const freeMb = Math.floor(host.fs.freeBytes() / 1048576);
    const needed = policy.RequirementRules.MinimumFreeDiskSpaceInMB;
    if (needed !== null && freeMb < needed) return { applicability: 1001, lines: [] };
    return {
      applicability: 0,
      lines: [
        "[Win32App] No ExtendedRequirementRules for this App. Skipping Check Extended requirement rule",
      ],
    };
  },
};

/** A fault for the next N calls of one service route. */
export interface ScriptedFault {
  readonly failure: ServiceFailure;
  readonly times: number;
  readonly retryAfterMs?: number;
  readonly status?: number;
}

/** The in-memory Intune service double: app lists per user, content per URL, faults per route. */
export function createFakeService(initialClock: { now(): number; sleep(ms: number): Promise<void> }) {
  let clock = initialClock;
  /** A slow link: each 64-byte chunk takes this long on the agent's clock. */
  let chunkDelayMs = 0;
  const policies = new Map<string, DecodedImePolicy[]>();
  const content = new Map<string, { bytes: Uint8Array; keys: DecryptInfo }>();
  const faults = new Map<string, ScriptedFault>();
  /** Drop the connection after this many bytes, this many times. */
  let drop: { afterBytes: number; times: number } | undefined;
  const results: Array<{ userId: string; results: readonly Win32AppResult[] }> = [];
  const calls = { token: 0, requestApps: 0, contentInfo: 0, download: 0, results: 0, ranges: [] as number[] };
  let tokenLifetimeMs = 3_600_000;
  let malformedLists = 0;
  /** CheckinIntervalMinutes the app-list replies carry, when set (ime.md §6). */
  let checkinIntervalMinutes: number | undefined;

  const maybeFail = (route: string) => {
    const fault = faults.get(route);
    if (fault === undefined || fault.times <= 0) return;
    faults.set(route, { ...fault, times: fault.times - 1 });
    throw new ServiceError(fault.failure, `${route}: injected ${fault.failure}`, {
      ...(fault.status === undefined ? {} : { status: fault.status }),
      ...(fault.retryAfterMs === undefined ? {} : { retryAfterMs: fault.retryAfterMs }),
    });
  };
  const urlOf = (id: string) => `http://swdc01.manage.microsoft.com/a1b2/c3d4/${id}.intunewin.bin`;

  const client: ImeServiceClient = {
    async acquireToken() {
      calls.token += 1;
      maybeFail("token");
      return { value: `token-${calls.token}`, expiresAt: clock.now() + tokenLifetimeMs };
    },
    async requestApps(request) {
      calls.requestApps += 1;
      maybeFail("requestApps");
      if (malformedLists > 0) {
        malformedLists -= 1;
        return { policiesJson: '[{"Id":"x","Name":7}]' };
      }
      // As the service does, a user's request also gets the device's apps (ime.md §11a Sessions).
      const own = policies.get(request.userId.toLowerCase()) ?? [];
      const device = request.userId.toLowerCase() === DEVICE ? [] : (policies.get(DEVICE) ?? []);
      const list = [...device.filter((p) => !own.some((o) => o.Id === p.Id)), ...own];
      const filtered =
        request.kind === "available" ? list.filter((p) => p.Intent === Intent.Available) : list;
      return {
        policiesJson: serializePolicies(filtered),
        ...(checkinIntervalMinutes === undefined ? {} : { checkinIntervalMinutes }),
      };
    },
    async getContentInfo(request) {
      calls.contentInfo += 1;
      maybeFail("contentInfo");
      const url = urlOf(request.appId);
      const entry = content.get(url);
      if (entry === undefined)
        throw new ServiceError("notFound", `no content for ${request.appId}`, { status: 404 });
      return { url, size: entry.bytes.length, encryption: entry.keys };
    },
    async *downloadContent(request) {
      calls.download += 1;
      calls.ranges.push(request.fromByte);
      maybeFail("download");
      const entry = content.get(request.url);
      if (entry === undefined)
        throw new ServiceError("notFound", `no content at ${request.url}`, { status: 404 });
      const bytes = entry.bytes.subarray(request.fromByte);
      const chunk = 64;
      for (let offset = 0; offset < bytes.length; offset += chunk) {
        if (drop !== undefined && drop.times > 0 && request.fromByte + offset >= drop.afterBytes) {
          drop = { ...drop, times: drop.times - 1 };
          throw new ServiceError("connectionDropped", "connection reset by peer");
        }
        if (chunkDelayMs > 0) await clock.sleep(chunkDelayMs);
        yield bytes.subarray(offset, offset + chunk);
      }
    },
    async sendResults(request) {
      calls.results += 1;
      maybeFail("results");
      results.push({ userId: request.userId, results: request.results });
    },
  };
  return {
    client,
    calls,
    results,
    /** Assigns apps to a user (or DEVICE); their content is a fake package with the given files. */
    assign(userId: string, list: DecodedImePolicy[], files: Record<string, string> = { "setup.exe": "MZ" }) {
      policies.set(userId.toLowerCase(), list);
      for (const policy of list) content.set(urlOf(policy.Id), fakePackage(files));
    },
    /** Serves real encrypted content (e.g. from a packed .intunewin) for an app. */
    serve(appId: string, bytes: Uint8Array, keys: DecryptInfo) {
      content.set(urlOf(appId), { bytes, keys });
    },
    corrupt(appId: string) {
      const entry = content.get(urlOf(appId))!;
      const bytes = entry.bytes.slice();
      bytes[bytes.length - 1] = (bytes[bytes.length - 1]! + 1) % 256;
      content.set(urlOf(appId), { bytes, keys: entry.keys });
    },
    truncate(appId: string) {
      const entry = content.get(urlOf(appId))!;
      content.set(urlOf(appId), {
        bytes: entry.bytes.subarray(0, entry.bytes.length - 10),
        keys: entry.keys,
      });
    },
    removeContent(appId: string) {
      content.delete(urlOf(appId));
    },
    fault(route: "token" | "requestApps" | "contentInfo" | "download" | "results", fault: ScriptedFault) {
      faults.set(route, fault);
    },
    /** App-list replies carry this CheckinIntervalMinutes from now on. */
    sendCheckinInterval(minutes: number) {
      checkinIntervalMinutes = minutes;
    },
    /** The next `times` app lists are not valid policy JSON. */
    malformAppLists(times: number) {
      malformedLists = times;
    },
    dropConnection(afterBytes: number, times: number) {
      drop = { afterBytes, times };
    },
    /** Follows a restarted agent onto its new clock. */
    useClock(next: typeof initialClock) {
      clock = next;
    },
    slowLink(msPerChunk: number) {
      chunkDelayMs = msPerChunk;
    },
    setTokenLifetime(ms: number) {
      tokenLifetimeMs = ms;
    },
  };
}
