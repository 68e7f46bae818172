// Every fault the mock service can inject, and how the agent ends: the IME's state and error code, the
// log lines it writes, and no stray content files.
import { toSigned32 } from "@imesim/contracts/enums";
import { describe, expect, it } from "vitest";
import { IMECACHE_DIR, INCOMING_DIR, STAGING_DIR } from "../../src/ime/index.ts";
import { DEVICE, makePolicy } from "../support/fakes.ts";
import { createHarness, HOUR } from "../support/harness.ts";

const APP = "f00dfeed-0000-4000-8000-000000000001";
const MARKER = `C:\\Program Files\\${APP}\\app.exe`;
const ref = { userId: DEVICE, appId: APP, version: 1 };
type Harness = ReturnType<typeof createHarness>;

interface FaultCase {
  readonly name: string;
  readonly inject: (h: Harness) => void;
  /** The EnforcementStateMessage after the first check-in, or undefined when nothing may be written. */
  readonly state: { EnforcementState: number; ErrorCode: number } | undefined;
  readonly lines: readonly string[];
  /** True when a later check-in recovers and installs. */
  readonly recoversByNextCheckin?: boolean;
}

const DOWNLOAD_ERROR = { EnforcementState: 5003, ErrorCode: toSigned32(0x87d30067) };
/** A content error's own delta, the Download state (ime.md §11a Reporting). */
const DOWNLOAD_DELTA = `[Win32App][ReportingManager] Download state for app with id: ${APP} has been updated. Report delta: {"EnforcementState":{"OldValue":"InProgress","NewValue":"ErrorDownloadingContent"},"EnforcementErrorCode":{"OldValue":0,"NewValue":-2016214937}}`;
const CONTENT_ERROR = { EnforcementState: 5000, ErrorCode: toSigned32(0x87d30065) };
const SUCCESS = { EnforcementState: 1000, ErrorCode: 0 };

const cases: FaultCase[] = [
  {
    name: "token endpoint unavailable",
    inject: (h) => h.service.fault("token", { failure: "unavailable", times: 1, status: 503 }),
    state: undefined,
    lines: ["Failed to get AAD token."],
    recoversByNextCheckin: true,
  },
  {
    name: "401 on the app list (token renewed)",
    inject: (h) => h.service.fault("requestApps", { failure: "unauthorized", times: 1, status: 401 }),
    state: SUCCESS,
    lines: ["Successfully get the token"],
  },
  {
    name: "429 with Retry-After on the app list",
    inject: (h) =>
      h.service.fault("requestApps", { failure: "throttled", times: 2, status: 429, retryAfterMs: 30_000 }),
    state: SUCCESS,
    lines: ["[Win32App] Requesting required apps"],
  },
  {
    name: "gateway time-outs beyond the retry limit",
    inject: (h) => h.service.fault("requestApps", { failure: "timeout", times: 3 }),
    state: undefined,
    lines: ["[Win32App] Failed to get app policies:"],
    recoversByNextCheckin: true,
  },
  {
    name: "an app list that is not valid policy JSON",
    inject: (h) => h.service.malformAppLists(1),
    state: undefined,
    lines: ["[Win32App] Failed to get app policies:", "[0]"],
    recoversByNextCheckin: true,
  },
  {
    name: "missing content (404 on GetContentInfo)",
    inject: (h) => h.service.removeContent(APP),
    state: DOWNLOAD_ERROR,
    lines: ["Failed to get content info", DOWNLOAD_DELTA],
  },
  {
    name: "dropped connection, resumed with Range",
    inject: (h) => h.service.dropConnection(100, 2),
    state: SUCCESS,
    lines: ["[Win32App DO] Resuming download from byte 128"],
  },
  {
    name: "connection dropping every time",
    inject: (h) => h.service.dropConnection(100, 100),
    state: DOWNLOAD_ERROR,
    lines: ["Job has failed. Error: 87D30067", DOWNLOAD_DELTA],
  },
  {
    name: "slow link timing out",
    inject: (h) => h.service.fault("download", { failure: "timeout", times: 10 }),
    state: DOWNLOAD_ERROR,
    lines: ["Job has failed. Error: 87D30067"],
  },
  {
    name: "slow link outliving the DO wait (CDN fallback)",
    inject: (h) => h.service.slowLink(5 * 60_000),
    state: SUCCESS,
    lines: [
      "[Win32App DO] DO downloading is not finished within timeout",
      "[Win32App] CDN mode, content raw URL is http://swdc01.manage.microsoft.com/",
      "[Win32App] CDN mode, download completes.",
    ],
  },
  {
    name: "corrupted content",
    inject: (h) => h.service.corrupt(APP),
    state: CONTENT_ERROR,
    lines: ["[Win32App] Starts verifying encrypted hash", "HMAC mismatch"],
  },
  {
    name: "truncated content",
    inject: (h) => h.service.truncate(APP),
    state: CONTENT_ERROR,
    lines: ["HMAC mismatch"],
  },
  {
    name: "status upload failing",
    inject: (h) => h.service.fault("results", { failure: "unavailable", times: 3, status: 503 }),
    state: SUCCESS,
    lines: ["[Win32App][ReportingManager] Failed to send status:"],
  },
];

describe("fault matrix", () => {
  for (const fault of cases) {
    it(fault.name, async () => {
      const files: Record<string, string> = { "setup.exe": "MZ".padEnd(400, "x") };
      const h = createHarness({
        behaviours: [
          {
            match: "setup-f00dfeed",
            attempts: [{ exitCode: 0, effects: { writeFiles: [{ path: MARKER }] } }],
          },
        ],
        setup: (s) => s.assign(DEVICE, [makePolicy(APP, { marker: MARKER })], files),
        start: false,
      });
      fault.inject(h);
      h.agent.start();
      await h.runTo(HOUR);
      expect(h.agent.failure()).toBeUndefined();
      const written = h.agent.state.readEnforcement(ref);
      if (fault.state === undefined) expect(written).toBeUndefined();
      else expect(written).toEqual({ ...fault.state, TargetingMethod: 0 });
      const logs = h.appWorkload() + h.agent.logs.read("IntuneManagementExtension");
      for (const line of fault.lines) expect(logs).toContain(line);
      // Consistent end: nothing left in Incoming, Staging or IMECache.
      for (const dir of [INCOMING_DIR, STAGING_DIR, IMECACHE_DIR]) {
        expect(h.device.fs.stat(dir) === undefined || h.device.fs.list(dir).length === 0).toBe(true);
      }
      if (fault.recoversByNextCheckin === true) {
        await h.runTo(3 * HOUR);
        expect(h.agent.state.readEnforcement(ref)).toEqual({ ...SUCCESS, TargetingMethod: 0 });
      }
    });
  }

  it("resumes a dropped download from the byte it reached", async () => {
    const h = createHarness({
      behaviours: [
        { match: "setup-f00dfeed", attempts: [{ exitCode: 0, effects: { writeFiles: [{ path: MARKER }] } }] },
      ],
      setup: (s) =>
        s.assign(DEVICE, [makePolicy(APP, { marker: MARKER })], { "setup.exe": "MZ".padEnd(400, "x") }),
      start: false,
    });
    h.service.dropConnection(100, 2);
    h.agent.start();
    await h.runTo(HOUR);
    expect(h.service.calls.ranges).toEqual([0, 128, 128]);
  });
});
