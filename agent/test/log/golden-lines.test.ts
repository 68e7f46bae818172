// Golden tests: the real IME lines of reference/ime.md §1.3–§1.5, phase by phase, must each have a
// line of the same shape in our logs. Placeholders stand for what varies between devices and runs.
import { Intent, RelationAction, RelationType, TargetType, ToastState } from "@imesim/contracts/enums";
import { beforeAll, describe, expect, it } from "vitest";
import type { ImeEvent, ImeEventBody } from "../../src/events/index.ts";
import { parseCmtrace, renderEvent, writesDoTelemetryLine } from "../../src/log/index.ts";
import { DEVICE, makePolicy } from "../support/fakes.ts";
import { createHarness, HOUR, MINUTE } from "../support/harness.ts";

const GUID = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}";
const TOKENS: Record<string, string> = {
  "<id>": GUID,
  "<uid>": GUID,
  "<guid>": GUID,
  "<hash>": "[A-Za-z0-9+/]{43}=",
  "<sid>": "S-1-[0-9-]+",
  "<n>": "-?\\d+",
  "<size>": "[\\d,]+\\.00",
  "<datetime>": "\\d{1,2}/\\d{1,2}/\\d{4} \\d{1,2}:\\d{2}:\\d{2}( [AP]M)?",
  "<any>": "[\\s\\S]*?",
};

/** A reference line with placeholders → a whole-message regular expression. */
function shape(line: string): RegExp {
  const parts = line.split(/(<id>|<uid>|<guid>|<hash>|<sid>|<n>|<size>|<datetime>|<any>)/);
  const body = parts.map((part) => TOKENS[part] ?? part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("");
  return new RegExp(`^${body}$`);
}

const A = "a0000000-0000-4000-8000-00000000000a"; // succeeds, toasts
const B = "b0000000-0000-4000-8000-00000000000b"; // 1618 ×4, GRS, then succeeds
const C = "c0000000-0000-4000-8000-00000000000c"; // times out
const D = "d0000000-0000-4000-8000-00000000000d"; // unmapped exit code
const E = "e0000000-0000-4000-8000-00000000000e"; // not detected after install
const U = "f0000000-0000-4000-8000-00000000000f"; // available, user-requested twice
const P = "10000000-0000-4000-8000-000000000010"; // parent whose dependency asks for a hard reboot
const Q = "20000000-0000-4000-8000-000000000020"; // that dependency
const USER = "5f1c8a3e-7d2b-4c9a-9e4f-0a1b2c3d4e5f";
const marker = (id: string) => `C:\\Program Files\\${id}\\app.exe`;
const installs = (id: string) => ({ writeFiles: [{ path: marker(id) }] });
const messages: string[] = [];

beforeAll(async () => {
  const main = createHarness({
    users: [{ userId: USER, userSid: "S-1-12-1-1595688510-1285254443-1313865374-1599957770", session: 1 }],
    behaviours: [
      { match: "setup-a0000000", attempts: [{ exitCode: 0, effects: installs(A) }] },
      {
        match: "setup-b0000000",
        attempts: [
          { exitCode: 1618 },
          { exitCode: 1618 },
          { exitCode: 1618 },
          { exitCode: 1618 },
          { exitCode: 0, effects: installs(B) },
        ],
      },
      { match: "setup-c0000000", attempts: [{ exitCode: 0, durationMs: 2 * HOUR }] },
      { match: "setup-d0000000", attempts: [{ exitCode: 3221225794 }] },
      { match: "setup-e0000000", attempts: [{ exitCode: 0 }] },
      { match: "setup-f0000000", attempts: [{ exitCode: 1603 }, { exitCode: 0, effects: installs(U) }] },
    ],
    setup: (s, device) => {
      s.assign(DEVICE, [
        makePolicy(A, { ToastState: ToastState.ShowAll }),
        makePolicy(B),
        makePolicy(C),
        makePolicy(D),
        makePolicy(E),
      ]);
      s.assign(USER, [makePolicy(U, { Intent: Intent.Available, TargetType: TargetType.User })]);
      device.fs.writeFile(marker(A).replace("app.exe", "readme.txt"), "x");
    },
  });
  await main.runTo(2 * HOUR);
  main.agent.trigger({ installAvailable: U, userId: USER });
  await main.runTo(3 * HOUR);
  main.agent.trigger({ installAvailable: U, userId: USER });
  await main.runTo(30 * HOUR);
  main.agent.stop();
  await main.runTo(30 * HOUR + MINUTE);

  const reboot = createHarness({
    behaviours: [
      { match: "setup-10000000", attempts: [{ exitCode: 0, effects: installs(P) }] },
      { match: "setup-20000000", attempts: [{ exitCode: 1641, effects: installs(Q) }] },
    ],
    setup: (s) =>
      s.assign(DEVICE, [
        makePolicy(P, {
          FlatDependencies: [
            {
              Action: RelationAction.AutoInstall,
              AppId: P,
              ChildId: Q,
              Type: RelationType.Dependency,
              Level: 1,
            },
          ],
        }),
        makePolicy(Q, { Intent: Intent.NotTargeted, Targeted: 0 }),
      ]),
  });
  await reboot.runTo(2 * HOUR);
  reboot.agent.trigger("reboot");
  await reboot.runTo(3 * HOUR);

  for (const h of [main, reboot]) {
    for (const file of ["AppWorkload", "IntuneManagementExtension", "AgentExecutor"] as const) {
      messages.push(...parseCmtrace(h.agent.logs.read(file)).map((r) => r.message));
    }
  }
});

const DASHES = "-".repeat(53);
const DOTS = ".".repeat(21);
const golden: Record<string, string[]> = {
  "§1.3.1 poller / check-in": [
    `[Win32App] ${DASHES} application poller starts. ${DASHES}`,
    "[Win32App] Got <n> active user sessions",
    `[Win32App] ${DOTS} Processing user session <n>, userId: <uid>, userSID: <sid> ${DOTS}`,
    "[Win32App] The EspPhase: NotInEsp in session",
    "[Win32App] Requesting required apps",
    "[Win32App] Requesting available apps only",
    "[Win32App] Got <n> Win32App(s) for user <uid> in session <n>",
    'Get policies = [{"Id":"<id>",<any>}]',
    `[Win32App] ${DOTS} Completed user session <n>, userId: <uid>, userSID: <sid> ${DOTS}`,
    `[Win32App] ${DASHES} application poller stopped. ${DASHES}`,
  ],
  "§1.3.2 subgraphs, re-evaluation and GRS": [
    "[Win32App][V3Processor] Processing <n> subgraphs.",
    "[Win32App][V3Processor] Processing subgraph with app ids: <id>",
    "[Win32App][V3Processor] Processing subgraph with app ids: <id>, <id>",
    "[Win32App][V3Processor] Done processing subgraph.",
    "[Win32App][V3Processor] Done processing <n> subgraphs.",
    "<any>Reevaluation interval is not expired for subgraph <hash> and no override condition applies. Skipping processing.",
    "<any>A restart is required to continue processing apps. Stop processing.",
    "[Win32App][ReevaluationScheduleManager] Subgraph reevaluation interval is not expired",
    "[Win32App][ReevaluationScheduleManager] Found previous subgraph reevaluation time value: <datetime> at key <hash>.",
    "[Win32App][ReevaluationScheduleManager] Setting subgraph reevaluation time with value: <datetime> for subgraph with hash <hash>",
    "[Win32App][GRSManager] Found GRS value: <datetime> at key <uid>\\GRS\\<hash>\\<id>.",
    "[Win32App][GRSManager] App with id: <id> has no recorded GRS value which will be treated as expired. | Hash = <hash>",
    "[Win32App][GRSManager] App with id: <id> is expired. | Hash = <hash>",
    "[Win32App][GRSManager] App with id: <id> is not expired. | Hash = <hash>",
    "[Win32App][GRSManager] App with id: <id> is not expired but will be enforced due to targeting intent on the subgraph. | Hash = <hash>",
    "[Win32App][ActionProcessor] App with id: <id> to install is in GRS. The app will not be enforced.",
    "[Win32App][ExecutionActionHandler] Encountered early subgraph termination. Clearing GRS for app with id: <id> so it can be retried during the next check-in.",
    "[GRSManager] Reset GRS value for app: <id>",
  ],
  "§1.3.3 desired state": [
    "[Win32App][ActionProcessor] Calculating desired states for all subgraphs",
    "[Win32App][ActionProcessor] App with id: <id>, targeted intent: RequiredInstall, and enforceability: Enforceable has projected enforcement classification: EnforcementPoint with desired state: Present. Current state is:\nDetection = NotDetected\nApplicability =  Applicable\nReboot = Clean\nLocal start time = 1/1/0001 12:00:00 AM\nLocal deadline time = 1/1/0001 12:00:00 AM\nGRS expired = True",
    "[Win32App][ActionProcessor] Found: 1 apps with intent to install: [<id>].",
    "[Win32App][ActionProcessor] No action required for app with id: <id>.",
  ],
  "§1.3.4–5 detection and applicability": [
    "[Win32App][DetectionActionHandler] Detection for policy with id: <id> resulted in action status: Success and detection state: NotDetected.",
    "[Win32App][DetectionActionHandler] Detection for policy with id: <id> resulted in action status: Success and detection state: Detected.",
    "[Win32App] ProcessDetectionRules starts",
    "[Win32App][ApplicabilityActionHandler] Applicability check for policy with id: <id> resulted in action status: Success and applicability state: Applicable.",
  ],
  "§1.3.6 download": [
    "[Win32App][DownloadActionHandler] Handler invoked for policy with id: <id> and version: <n>",
    "[Win32App] Downloading app on session <n>. App: <id>",
    "[Win32App] Content cache miss for app (id = <id>, name = <any>), start downloading...",
    "[Win32App] DownloadType = 2, DownloadUrl = http://swdc01.manage.microsoft.com/<any>.intunewin.bin",
    "[Win32App DO] start creating a new download job, FileId = 501FCB7D-A970-4E34-A753-4B48FE5D8BEF_<any>-intunewin-bin_<id>_<n>",
    "[Win32App DO] DO Job set priority is BG_JOB_PRIORITY_NORMAL == time out is <n> ms",
    "Starting job <guid>...",
    "...job <guid> started",
    "Waiting <n> ms for 1 jobs to complete",
    "[StatusService] Downloading app (id = <id>, name <any>) via DO, bytes 0/0 for user <uid>",
    "[StatusService] Downloading app (id = <id>, name <any>) via DO, bytes <n>/<n> for user <uid>",
    "Notified DO Service the job is complete.",
    "Completing job <guid>...",
    "[Win32App] Downloaded file time <n>.00",
    "[Win32App DO] DO download and decryption is successfully done",
  ],
  "§1.3.7 hash check, decrypt, unzip": [
    "[Win32App] Downloaded file size <size>",
    "[Win32App] Starts verifying encrypted hash",
    "[Win32App] file hash validation pass, starts decrypting",
    "[Win32App] Decryption is done successfully.",
    "[Win32App] Start unzipping.",
    "[Win32App] Unzipping file on session <n> from C:\\Program Files (x86)\\Microsoft Intune Management Extension\\Content\\Staging\\<id>_<n>\\<any> to C:\\Windows\\IMECache\\<id>_<n>",
    "Cleaning up staging content ...",
  ],
  "§1.3.8 install": [
    "[Win32App][ExecutionActionHandler] Handler invoked with execution type: Install for policy with id: <id> and version: <n>.",
    "[Win32App] ===Step=== Execute retry 0",
    "[Win32App] ===Step=== Execute retry 3",
    "[Win32App] ===Step=== InstallBehavior RegularWin32App, Intent 3, UninstallCommandLine <any>\n<any>",
    "[Win32App] SetCurrentDirectory: C:\\Windows\\IMECache\\<id>_<n>",
    "[Win32App] Launch Win32AppInstaller in machine session",
    "[Win32App] lastWin32Error 0 after CreateProcess",
    "[Win32App] Create installer process successfully.",
    "[Win32App] process id = <n>",
    "[Win32App] Installer process timeout milliseconds: 3600000.",
    "[Win32App] Installation is done, collecting result",
    "[Win32App] lpExitCode 0",
    "[Win32App] lpExitCode is defined as Success",
    "[Win32App] lpExitCode is defined as Retry",
    "[Win32App] lpExitCode is defined as HardReboot",
    "[Win32App] DeviceRestartBehavior: <n>",
    "[Win32App] Installation is timeout, collecting result",
    "<any>installer is running timeout, skip staged content clean up.",
    "[Win32App] lpExitCode 3221225794",
    "[Win32App] hResultFromWin32 -2147024574",
    "[Win32App] Set EnforcementStateMessage.ErrorCode -2147024574",
    "[Win32App] Admin did NOT set mapping for lpExitCode: 3221225794 of app: <id>",
    "[Win32App] Setting enforcementState as: Error with lpExitCode: 3221225794 without mapping",
    '[Win32App] Toast message with: "<any>agentexecutor.exe"  -toast <any>',
  ],
  "§1.3.9 post-install state and reporting": [
    '[Win32App][ReportingManager] Detection state for app with id: <id> has been updated. Report delta: {"DetectionState":{"OldValue":<any>,"NewValue":"Installed"},"DetectedIdentityVersion":{"OldValue":null,"NewValue":<any>}}',
    '[Win32App][ReportingManager] Execution state for app with id: <id> has been updated. Report delta: {"EnforcementState":{"OldValue":<any>,"NewValue":"Error"},"EnforcementErrorCode":{"OldValue":0,"NewValue":-2016345060}}',
    '[Win32App][ReportingManager] Sending status to company portal based on report: {"ApplicationId":"<id>","ResultantAppState":1,"ReportingImpact":{"DesiredState":<n>,"Classification":2,"ConflictReason":0,"ImpactingApps":[]},"WriteableToStorage":true,"CanGenerateComplianceState":true,"CanGenerateEnforcementState":true,"IsAppReportable":true,"IsAppAggregatable":true,"AvailableAppEnforcementFlag":0,"DesiredState":2,"DetectionState":1,"DetectionErrorOccurred":false,"DetectionErrorCode":null,"ApplicabilityState":0,"ApplicabilityErrorOccurred":false,"ApplicabilityErrorCode":null,"EnforcementState":1000,"EnforcementErrorCode":null,"TargetingMethod":0,"TargetingType":2,"InstallContext":<n>,"Intent":3,"InternalVersion":1,"DetectedIdentityVersion":<any>,"RemovalReason":null}',
    "[StatusService] Returning status to user with id: <uid> for V3-managed app with id: <id> and install context: System. Applicability: Applicable, Status: Installed, ErrorCode: 0",
    "[StatusService] Saved AppInstallStatusReport for user <uid> for app <id> in the StatusServiceReports registry.",
  ],
  "§11a sessions": [
    `[Win32App] ${DOTS} Processing user session 0, userId: 00000000-0000-0000-0000-000000000000, userSID:  ${DOTS}`,
    "Userless session, skip UserToken for device check-in",
  ],
  "§11a reporting lines": [
    "[Win32App][ReportingManager] App with id: <id> and prior AppAuthority: V3 could not be loaded from store. Reporting state initialized with initial values. ReportingState: {<any>}",
    "[Win32App][ReportingManager] App with id: <id> and prior AppAuthority: V3 has been loaded and reporting state initialized. ReportingState: {<any>}",
    '[Win32App][ReportingManager] Applicability state for app with id: <id> has been updated. Report delta: {"ApplicabilityState":{"OldValue":null,"NewValue":"Applicable"}}',
    '[Win32App][ReportingManager] Desired state for app with id: <id> has been updated. Report delta: {"DesiredState":{"OldValue":null,"NewValue":"Present"}}',
    "[Win32App][ReportingManager] Not sending status update for user with id: <uid> and app: <id> because the app does not have available, required, or uninstall intent.",
  ],
  "§1.3.11 and §1.4–1.5 service, cleanup, AgentExecutor": [
    "EMS Agent Started",
    "EMS Agent Stopped",
    "EMS Agent received stop signal",
    "EMS Agent received shutdown signal",
    "Agent version is: 1.<n>.<n>.<n>",
    "Successfully get the token",
    "[Win32App][CheckinIntervalManager] UpdateTimerIntervalForNextCheckin. Current interval of timer is 3480000",
    "[Win32App][CheckinIntervalManager] UpdateTimerIntervalForNextCheckin. Current interval of timer is 3720000",
    "Delaying all checkins by 36 s",
    "Delaying PS and Win32 app workload checkins by 147 s",
    "checkinReason = MaintenanceTimer",
    "checkinReason = AgentRestart",
    "[Win32App] removing content from cache C:\\Program Files (x86)\\Microsoft Intune Management Extension\\Content\\Incoming\\<id>_<n>.bin",
    "[Win32App] Cleaning up staged content C:\\Windows\\IMECache\\<id>_<n>",
    "ExecutorLog AgentExecutor gets invoked",
    "Agent executor completed.",
  ],
};

describe("golden log lines (ime.md §1.3–§1.5)", () => {
  for (const [phase, lines] of Object.entries(golden)) {
    it(phase, () => {
      const missing = lines.filter((line) => !messages.some((message) => shape(line).test(message)));
      expect(missing).toEqual([]);
    });
  }

  it("brackets a subgraph skipped for its re-evaluation interval with Processing … Done (ime.md §11a)", () => {
    const skips = messages.flatMap((m, i) =>
      m.includes("Reevaluation interval is not expired for subgraph") ? [i] : [],
    );
    expect(skips.length).toBeGreaterThan(0);
    for (const at of skips) {
      const before = messages.slice(0, at).findLast((m) => m.startsWith("[Win32App][V3Processor] "));
      const after = messages.slice(at + 1).find((m) => m.startsWith("[Win32App][V3Processor] "));
      expect(before).toMatch(/^\[Win32App\]\[V3Processor\] Processing subgraph with app ids: /);
      expect(after).toBe("[Win32App][V3Processor] Done processing subgraph.");
    }
  });

  it("prints the policy's own Intent and UninstallCommandLine in the install step line", () => {
    const step = (id: string) =>
      messages.find(
        (m) => m.startsWith("[Win32App] ===Step=== InstallBehavior") && m.includes(`setup-${id.slice(0, 8)}`),
      );
    expect(step(U)).toBe(
      "[Win32App] ===Step=== InstallBehavior RegularWin32App, Intent 1, UninstallCommandLine setup-f0000000.exe /uninstall /quiet\nsetup-f0000000.exe /quiet",
    );
    expect(step(A)).toBe(
      "[Win32App] ===Step=== InstallBehavior RegularWin32App, Intent 3, UninstallCommandLine setup-a0000000.exe /uninstall /quiet\nsetup-a0000000.exe /quiet",
    );
    expect(messages.some((m) => m.includes("UninstallCommandLine ..."))).toBe(false);
  });

  it("writes one DO era: the 'successfully done' line for the default IME 1.101, [DO TEL] before 1.101", () => {
    expect(messages.some((m) => m.startsWith("[DO TEL]"))).toBe(false);
    expect(writesDoTelemetryLine("1.101.111.0")).toBe(false);
    expect(writesDoTelemetryLine("1.100.2.0")).toBe(true);
    const telemetry = {
      FileId: "f",
      FileSize: 1,
      TotalBytesDownloaded: 1,
      BytesFromPeers: 0,
      PercentPeerCaching: 0,
      BytesFromLanPeers: 0,
      BytesFromGroupPeers: 0,
      BytesFromInternetPeers: 0,
      BytesFromLinkLocalPeers: 0,
      BytesFromCacheServer: 0,
      CacheHost: "",
      DownloadMode: 0,
      DownloadDuration: "00:00:01.0000000",
      BytesFromHttp: 1,
    };
    const render = (body: ImeEventBody) =>
      renderEvent({
        seq: 1,
        simTime: 0,
        wallTime: 0,
        thread: 1,
        deviceId: "d",
        userId: DEVICE,
        appId: A,
        ...body,
      } as ImeEvent).map((line) => line.message);
    const completed = (agentVersion: string) =>
      render({
        phase: "download.completed",
        details: { size: 1, via: "DO", telemetry, agentVersion, durationMs: 1000 },
      });
    const decrypted = (agentVersion: string) =>
      render({ phase: "content.decrypted", details: { via: "DO", agentVersion } });
    const done = "[Win32App DO] DO download and decryption is successfully done";
    expect(completed("1.98.103.0")).toContain(`[DO TEL] = ${JSON.stringify(telemetry)}`);
    expect([...completed("1.98.103.0"), ...decrypted("1.98.103.0")]).not.toContain(done);
    // After the hash check and decryption, never at the download's end (ime.md §11a).
    expect(completed("1.101.111.0")).not.toContain(done);
    expect(decrypted("1.101.111.0").at(-1)).toBe(done);
  });

  it("never writes a line outside the CMTrace grammar", () => {
    expect(messages.length).toBeGreaterThan(500);
    expect(messages.every((m) => !m.includes("]LOG]!>"))).toBe(true);
  });
});
