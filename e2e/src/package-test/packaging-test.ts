// `imesim test`: everything a packager wants to know before uploading — the package as the codec sees
// it, the app definition's lint, what each return code would do, and a verdict with its reasons.
import { formatHex } from "@imesim/contracts/enums";
import type { Finding as CodecFinding } from "@imesim/contracts/intunewin";
import { analyzeCommand, type Finding, lintApp } from "../lint/index.ts";
import { readTestedApp, type TestedApp } from "./app-input.ts";
import { detectOnFreshDevice, type FreshDetection } from "./fresh-device.ts";
import { type PackageSource, readPackageSource } from "./package-source.ts";
import { type ReturnCodeOutcome, returnCodeOutcomes } from "./return-code-outcomes.ts";
import { type SimulatedInstall, simulateInstall } from "./simulate.ts";
import { type WorldOptions, worldOf } from "./world-input.ts";

export interface PackagingTestOptions {
  /** A source folder or a .intunewin. */
  readonly packagePath: string;
  /** The app definition file (Graph JSON, IME policy, or short form). */
  readonly appPath: string;
  /** The setup file of a source folder (IntuneWinAppUtil's -s); a .intunewin names its own. */
  readonly setupFile?: string;
  /** What the simulated device downloads and installs from outside (--web, --offline, --catalogue). */
  readonly world?: WorldOptions;
}

/**
 * PASS: no error and the simulated install (when it could run) succeeded. FAIL: an error finding.
 * INCONCLUSIVE: no error, but the simulated install ran programs imesim does not model, so nothing says the
 * package installs; it is never reported as "should install".
 */
export type VerdictOutcome = "PASS" | "FAIL" | "INCONCLUSIVE";

export interface Verdict {
  readonly outcome: VerdictOutcome;
  /** True only for PASS. */
  readonly passed: boolean;
  /** False for INCONCLUSIVE: the simulation could not show whether the package installs. */
  readonly conclusive: boolean;
  /** Why it fails (errors), what was not simulated (inconclusive), or what to look at (warnings). */
  readonly reasons: readonly string[];
}

export interface PackagingTestReport {
  readonly app: { readonly name: string; readonly form: TestedApp["form"]; readonly id: string };
  readonly package: {
    readonly kind: PackageSource["kind"];
    readonly path: string;
    readonly setupFile: string | undefined;
    readonly files: readonly string[];
    readonly findings: readonly CodecFinding[];
  };
  readonly lint: readonly Finding[];
  /** Detection before any install, on a fresh virtual device. */
  readonly freshDevice: FreshDetection;
  /** The install run through the mock and the agent; undefined when the package itself cannot be used. */
  readonly simulation: SimulatedInstall | undefined;
  readonly returnCodes: readonly ReturnCodeOutcome[];
  readonly verdict: Verdict;
}

/** Reads the inputs (ImesimError for bad input) and builds the report. */
export async function runPackagingTest(options: PackagingTestOptions): Promise<PackagingTestReport> {
  const app = readTestedApp(options.appPath, undefined);
  const world = worldOf(options.world ?? {});
  const setupHint =
    options.setupFile ??
    app.policy.SetUpFilePath ??
    analyzeCommand(app.policy.InstallCommandLine).packageFiles[0];
  const source = await readPackageSource(options.packagePath, setupHint, options.setupFile !== undefined);
  const lint = lintApp({
    policy: app.policy,
    package: source.listing,
    ...(source.msi === undefined ? {} : { msi: source.msi }),
  });
  const freshDevice = detectOnFreshDevice(app.policy);
  const usable = !source.findings.some((finding) => finding.severity === "error");
  const simulation = usable ? await simulateInstall(app, source, world) : undefined;
  return {
    app: { name: app.name, form: app.form, id: app.policy.Id },
    package: {
      kind: source.kind,
      path: source.path,
      setupFile: source.setupFile,
      files: source.listing.files,
      findings: source.findings,
    },
    lint,
    freshDevice,
    simulation,
    returnCodes: returnCodeOutcomes(app.policy),
    verdict: verdictOf(
      source.findings,
      [...lint, ...freshFindings(freshDevice), ...simulationFindings(simulation)],
      simulation,
    ),
  };
}

/**
 * FAIL on any error-severity finding of the package or the lint; otherwise INCONCLUSIVE when the simulated
 * install was not conclusive; otherwise PASS. Warnings are listed in every case.
 */
export function verdictOf(
  packageFindings: readonly CodecFinding[],
  lint: readonly Finding[],
  simulation?: Pick<SimulatedInstall, "conclusive" | "note">,
): Verdict {
  const describe = (finding: CodecFinding | Finding) => `${finding.code}: ${finding.message}`;
  const errors = [...packageFindings, ...lint].filter((finding) => finding.severity === "error");
  const warnings = [...packageFindings, ...lint].filter((finding) => finding.severity === "warning");
  if (errors.length > 0)
    return { outcome: "FAIL", passed: false, conclusive: true, reasons: errors.map(describe) };
  if (simulation !== undefined && !simulation.conclusive) {
    return {
      outcome: "INCONCLUSIVE",
      passed: false,
      conclusive: false,
      reasons: [`NOT_SIMULATED: ${simulation.note}`, ...warnings.map(describe)],
    };
  }
  return { outcome: "PASS", passed: true, conclusive: true, reasons: warnings.map(describe) };
}

/** What detection on a fresh device means for the verdict. */
function freshFindings(fresh: FreshDetection): Finding[] {
  if (fresh.errorCode !== undefined) {
    return [
      {
        code: "DETECTION_NOT_EVALUABLE",
        severity: "error",
        message: `the detection rules cannot be evaluated (${formatHex(fresh.errorCode)}): the IME reports the app as failed before installing`,
        imeErrorCode: fresh.errorCode,
      },
    ];
  }
  if (!fresh.detected) return [];
  return [
    {
      code: "DETECTED_ON_FRESH_DEVICE",
      severity: "error",
      message:
        "the detection rules already match on a fresh Windows device: the IME reports the app installed without running its installer",
    },
  ];
}

/** A conclusive simulated install that does not end in a success state fails the package, with the state the portal would show. */
function simulationFindings(simulation: SimulatedInstall | undefined): Finding[] {
  if (simulation === undefined || !simulation.conclusive) return [];
  const state = simulation.enforcementState;
  if (state !== undefined && state >= 1000 && state < 2000) return [];
  const code =
    simulation.errorCode === undefined || simulation.errorCode === 0
      ? ""
      : ` ${formatHex(simulation.errorCode)}`;
  return [
    {
      code: "SIMULATED_INSTALL_FAILED",
      severity: "error",
      message: `the simulated install ends in ${state ?? "no state"} ${simulation.enforcementStateName ?? ""}${code} (exit code ${simulation.exitCode ?? "none"}, ${simulation.mapping ?? "not run"}; detected after: ${simulation.detectedAfter ?? "not checked"})`,
      ...(simulation.errorCode === undefined || simulation.errorCode === 0
        ? {}
        : { imeErrorCode: simulation.errorCode >>> 0 }),
    },
  ];
}
