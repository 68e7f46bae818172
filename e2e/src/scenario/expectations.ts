// Checks a scenario's expectations against what each simulated device ended with: the IME's registry
// state (ime.md §4), its event stream, its CMTrace logs, the device's files and the status the service
// shows. Every failure says what was expected, what was found, and on which device.

import { DEVICE_USER_ID, type ImeEvent } from "@imesim/agent/events";
import type { Host, RegistryValue } from "@imesim/agent/host";
import { type ImeStateStore, WIN32_APPS_KEY } from "@imesim/agent/ime";
import {
  Applicability,
  ComplianceState,
  EnforcementState,
  formatHex,
  type NumericEnum,
  nameOf,
  toUnsigned32,
} from "@imesim/contracts/enums";
import { checkHealth } from "./health-expectations.ts";
import { checkInventory, type DetectedAppView } from "./inventory-expectations.ts";
import type { LoadedApp, LoadedScenario } from "./model.ts";
import type {
  AppExpectation,
  Expectation,
  FileExpectation,
  LogExpectation,
  RegistryExpectation,
  ServiceExpectation,
} from "./schema.ts";
import { checkScriptRun, type ScriptRunStates } from "./script-expectations.ts";

/** The IME logs by file name as scenarios write them. */
export type LogFileName = LogExpectation["log"];

/** What one device ended with; the runner fills it, expectations only read it. */
export interface DeviceOutcome {
  /** 1-based position in the fleet. */
  readonly number: number;
  readonly events: readonly ImeEvent[];
  readonly state: ImeStateStore;
  readonly host: Host;
  readLog(file: LogFileName): string;
  /** Graph deviceRunStates of the scenario's platform scripts and remediations on this device (issue 16). */
  readonly scriptRunStates?: ScriptRunStates;
  /** Graph deviceStatuses of the scenario's compliance policies on this device, by policy name (issue 16). */
  readonly complianceStatuses?: ReadonlyMap<string, string>;
  /** Graph `managedDevices/{id}/detectedApps` of this device, when the run collected inventory (issue 16). */
  readonly detectedApps?: readonly DetectedAppView[];
  /** The per-device install status the service shows for an app (Graph installState names). */
  serviceStatus(appId: string): { installState: string; errorCode: number | null } | undefined;
}

export interface ExpectationResult {
  /** Index in the scenario's `expect` list. */
  readonly index: number;
  readonly device: number;
  readonly passed: boolean;
  /** `app "7-Zip" enforcementState` — what was checked. */
  readonly subject: string;
  /** Why it failed (expected vs actual), or what held. */
  readonly detail: string;
}

/** Checks every expectation on every device it concerns (`device:` narrows to one). */
export function checkExpectations(
  scenario: LoadedScenario,
  devices: readonly DeviceOutcome[],
): ExpectationResult[] {
  const results: ExpectationResult[] = [];
  (scenario.source.expect ?? []).forEach((expectation, index) => {
    for (const device of devices) {
      if (expectation.device !== undefined && expectation.device !== device.number) continue;
      results.push(...checkOne(scenario, expectation, index, device));
    }
  });
  return results;
}

function checkOne(
  scenario: LoadedScenario,
  expectation: Expectation,
  index: number,
  device: DeviceOutcome,
): ExpectationResult[] {
  if ("app" in expectation) return checkApp(scenario, expectation, index, device);
  if ("registry" in expectation) return [checkRegistry(expectation, index, device)];
  if ("file" in expectation) return [checkFile(expectation, index, device)];
  if ("log" in expectation) return [checkLog(expectation, index, device)];
  if ("scriptRun" in expectation) {
    const verdict = checkScriptRun(expectation, device.scriptRunStates);
    return [result(index, device, verdict.subject, verdict.passed, verdict.detail)];
  }
  if ("compliance" in expectation) {
    const found = device.complianceStatuses?.get(expectation.compliance);
    return [
      result(
        index,
        device,
        `Graph deviceStatuses of compliance policy "${expectation.compliance}"`,
        found === expectation.status,
        `expected ${expectation.status}, found ${found ?? "no status for this device"}`,
      ),
    ];
  }
  if ("inventory" in expectation) {
    const verdict = checkInventory(expectation, device.events, device.detectedApps);
    return [result(index, device, verdict.subject, verdict.passed, verdict.detail)];
  }
  if ("health" in expectation) {
    const verdict = checkHealth(expectation, device);
    return [result(index, device, verdict.subject, verdict.passed, verdict.detail)];
  }
  return [checkService(scenario, expectation, index, device)];
}

const result = (
  index: number,
  device: DeviceOutcome,
  subject: string,
  passed: boolean,
  detail: string,
): ExpectationResult => ({
  index,
  device: device.number,
  subject,
  passed,
  detail,
});

function appByName(scenario: LoadedScenario, name: string): LoadedApp {
  const app = scenario.apps.find((candidate) => candidate.name === name);
  if (app === undefined) throw new Error(`expectation names unknown app ${name}`);
  return app;
}

/** A number, or a name looked up in an enum table (`Success` → 1000). */
function codeOf(table: NumericEnum, value: number | string): number {
  if (typeof value === "number") return value;
  const entry = Object.entries(table).find(([name]) => name.toLowerCase() === value.toLowerCase());
  if (entry === undefined)
    throw new Error(`"${value}" is not a known name (${Object.keys(table).join(", ")})`);
  return entry[1];
}

/** An error code from a scenario (`0x87D1041C`, -2016345060 or 2278622236) as unsigned 32-bit. */
export function errorCodeOf(value: number | string): number {
  return toUnsigned32(typeof value === "number" ? value : Number.parseInt(value.slice(2), 16));
}

function named(table: NumericEnum, value: number | undefined): string {
  if (value === undefined) return "nothing";
  const name = nameOf(table, value);
  return name === undefined ? String(value) : `${value} (${name})`;
}

function checkApp(
  scenario: LoadedScenario,
  expectation: AppExpectation,
  index: number,
  device: DeviceOutcome,
): ExpectationResult[] {
  const app = appByName(scenario, expectation.app);
  const user =
    expectation.user === undefined ? undefined : scenario.users.find((u) => u.name === expectation.user);
  const userId = user?.objectId ?? DEVICE_USER_ID;
  const revision = device.state
    .listAppStates(userId)
    .filter((state) => state.appId.toLowerCase() === app.id.toLowerCase())
    .sort((a, b) => b.version - a.version)[0];
  const ref =
    revision === undefined ? undefined : { userId, appId: revision.appId, version: revision.version };
  const enforcement = ref === undefined ? undefined : device.state.readEnforcement(ref);
  const compliance = ref === undefined ? undefined : device.state.readCompliance(ref);
  const subject = (what: string) =>
    `app "${app.name}"${user === undefined ? "" : ` for ${user.name}`} ${what}`;
  const appEvents = device.events.filter((event) => event.appId?.toLowerCase() === app.id.toLowerCase());
  const results: ExpectationResult[] = [];
  const compare = (what: string, expected: number, actual: number | undefined, table: NumericEnum) =>
    results.push(
      result(
        index,
        device,
        subject(what),
        actual === expected,
        `expected ${named(table, expected)}, found ${named(table, actual)}`,
      ),
    );

  if (expectation.enforcementState !== undefined)
    compare(
      "enforcementState",
      codeOf(EnforcementState, expectation.enforcementState),
      enforcement?.EnforcementState,
      EnforcementState,
    );
  if (expectation.complianceState !== undefined)
    compare(
      "complianceState",
      codeOf(ComplianceState, expectation.complianceState),
      compliance?.ComplianceState ?? undefined,
      ComplianceState,
    );
  if (expectation.applicability !== undefined)
    compare(
      "applicability",
      codeOf(Applicability, expectation.applicability),
      compliance?.Applicability ?? undefined,
      Applicability,
    );
  if (expectation.errorCode !== undefined) {
    const expected = errorCodeOf(expectation.errorCode);
    const actual = enforcement?.ErrorCode ?? compliance?.ErrorCode ?? undefined;
    const actualText = actual === undefined || actual === null ? "no error code" : formatHex(actual);
    results.push(
      result(
        index,
        device,
        subject("errorCode"),
        actual !== undefined && actual !== null && toUnsigned32(actual) === expected,
        `expected ${formatHex(expected)}, found ${actualText}`,
      ),
    );
  }
  if (expectation.attempts !== undefined) {
    const attempts = appEvents.filter((event) => event.phase === "install.started").length;
    results.push(
      result(
        index,
        device,
        subject("attempts"),
        attempts === expectation.attempts,
        `expected ${expectation.attempts} install runs, found ${attempts}`,
      ),
    );
  }
  if (expectation.detected !== undefined) {
    const last = [...appEvents].reverse().find((event) => event.phase === "detection.completed");
    const detected = last?.phase === "detection.completed" ? last.details.detected : undefined;
    results.push(
      result(
        index,
        device,
        subject("detected"),
        detected === expectation.detected,
        `expected the last detection to say ${expectation.detected ? "detected" : "not detected"}, found ${
          detected === undefined ? "no detection" : detected ? "detected" : "not detected"
        }`,
      ),
    );
  }
  if (expectation.inGrs !== undefined) {
    const inGrs = grsHasApp(device.host, userId, app.id);
    results.push(
      result(
        index,
        device,
        subject("inGrs"),
        inGrs === expectation.inGrs,
        `expected ${expectation.inGrs ? "a" : "no"} GRS value, found ${inGrs ? "one" : "none"}`,
      ),
    );
  }
  if (expectation.imeCacheKept !== undefined) {
    // The IME's content folder for the app revision (ime.md §3.5): removed after an install, kept after a timeout.
    const folder =
      revision === undefined ? undefined : `C:\\Windows\\IMECache\\${revision.appId}_${revision.version}`;
    const kept = folder !== undefined && device.host.fs.stat(folder) !== undefined;
    results.push(
      result(
        index,
        device,
        subject("imeCacheKept"),
        kept === expectation.imeCacheKept,
        `expected IMECache ${expectation.imeCacheKept ? "kept" : "removed"}, it is ${kept ? "there" : "gone"}`,
      ),
    );
  }
  return results;
}

/** True when any GRS subgraph key of the user holds a value named after the app (ime.md §4.4). */
function grsHasApp(host: Host, userId: string, appId: string): boolean {
  const root = `${WIN32_APPS_KEY}\\${userId}\\GRS`;
  if (!host.registry.keyExists(root)) return false;
  return host.registry
    .listSubkeys(root)
    .some((hash) =>
      host.registry
        .listValues(`${root}\\${hash}`)
        .some((value) => value.name.toLowerCase() === appId.toLowerCase()),
    );
}

/** A registry value's data as text, the way `reg query` would print it. */
export function registryText(value: RegistryValue): string {
  switch (value.type) {
    case "REG_DWORD":
      return String(value.data);
    case "REG_QWORD":
      return value.data.toString();
    case "REG_MULTI_SZ":
      return value.data.join("\n");
    case "REG_BINARY":
    case "REG_NONE":
      return Buffer.from(value.data).toString("hex");
    default:
      return value.data;
  }
}

function checkRegistry(
  expectation: RegistryExpectation,
  index: number,
  device: DeviceOutcome,
): ExpectationResult {
  const access = { view: expectation.view ?? 64 } as const;
  const where =
    expectation.name === undefined
      ? expectation.registry
      : `${expectation.registry} value "${expectation.name}"`;
  const subject = `registry ${where}`;
  const value =
    expectation.name === undefined
      ? undefined
      : device.host.registry.getValue(expectation.registry, expectation.name, access);
  const exists =
    expectation.name === undefined
      ? device.host.registry.keyExists(expectation.registry, access)
      : value !== undefined;
  const wantExists = expectation.exists ?? true;
  if (exists !== wantExists)
    return result(
      index,
      device,
      subject,
      false,
      `expected it to ${wantExists ? "exist" : "be absent"}, it ${exists ? "exists" : "is absent"}`,
    );
  if (value === undefined) return result(index, device, subject, true, exists ? "exists" : "is absent");
  const text = registryText(value);
  if (expectation.equals !== undefined && text.toLowerCase() !== String(expectation.equals).toLowerCase())
    return result(
      index,
      device,
      subject,
      false,
      `expected ${JSON.stringify(String(expectation.equals))}, found ${JSON.stringify(text)}`,
    );
  if (expectation.matches !== undefined && !new RegExp(expectation.matches).test(text))
    return result(
      index,
      device,
      subject,
      false,
      `expected to match /${expectation.matches}/, found ${JSON.stringify(text)}`,
    );
  return result(index, device, subject, true, `is ${JSON.stringify(text)}`);
}

function checkFile(expectation: FileExpectation, index: number, device: DeviceOutcome): ExpectationResult {
  const path = device.host.expandEnvironment(expectation.file, { account: "system", bitness: 64 });
  const subject = `file ${expectation.file}`;
  const stat = device.host.fs.stat(path);
  const wantExists = expectation.exists ?? true;
  if ((stat !== undefined) !== wantExists)
    return result(
      index,
      device,
      subject,
      false,
      `expected it to ${wantExists ? "exist" : "be absent"}, it ${stat ? "exists" : "is absent"}`,
    );
  if (expectation.contains !== undefined && stat?.kind === "file") {
    const text = Buffer.from(device.host.fs.readFile(path)).toString("utf8");
    if (!text.includes(expectation.contains))
      return result(
        index,
        device,
        subject,
        false,
        `expected it to contain ${JSON.stringify(expectation.contains)}`,
      );
  }
  return result(index, device, subject, true, stat ? "exists" : "is absent");
}

/** The messages of a CMTrace log, one per entry (an entry may span lines, ime.md §1.2). */
export function logMessages(text: string): string[] {
  return [...text.matchAll(/<!\[LOG\[([\s\S]*?)\]LOG\]!>/g)].map((match) => match[1] ?? "");
}

function checkLog(expectation: LogExpectation, index: number, device: DeviceOutcome): ExpectationResult {
  const messages = logMessages(device.readLog(expectation.log));
  const pattern = expectation.matches === undefined ? undefined : new RegExp(expectation.matches);
  const matching = messages.filter((message) =>
    pattern !== undefined ? pattern.test(message) : message.includes(expectation.contains ?? ""),
  ).length;
  const what = pattern !== undefined ? `/${expectation.matches}/` : JSON.stringify(expectation.contains);
  const subject = `${expectation.log} line ${what}`;
  const passed = expectation.count === undefined ? matching > 0 : matching === expectation.count;
  const wanted = expectation.count === undefined ? "at least 1" : String(expectation.count);
  return result(index, device, subject, passed, `expected ${wanted} matching line(s), found ${matching}`);
}

function checkService(
  scenario: LoadedScenario,
  expectation: ServiceExpectation,
  index: number,
  device: DeviceOutcome,
): ExpectationResult {
  const app = appByName(scenario, expectation.service);
  const status = device.serviceStatus(app.id);
  const subject = `service status of "${app.name}"`;
  if (status === undefined)
    return result(index, device, subject, false, "the service has no status for this device");
  if (expectation.installState !== undefined && status.installState !== expectation.installState)
    return result(
      index,
      device,
      subject,
      false,
      `expected installState ${expectation.installState}, found ${status.installState}`,
    );
  if (expectation.errorCode !== undefined) {
    const expected = errorCodeOf(expectation.errorCode);
    if (status.errorCode === null || toUnsigned32(status.errorCode) !== expected)
      return result(
        index,
        device,
        subject,
        false,
        `expected errorCode ${formatHex(expected)}, found ${status.errorCode === null ? "none" : formatHex(status.errorCode)}`,
      );
  }
  return result(index, device, subject, true, `installState ${status.installState}`);
}
