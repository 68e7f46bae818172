// The simulated install of `imesim test`: the app and its package go through the whole pipeline of
// `imesim run` — the mock service, then the agent on a fresh virtual device downloads, decrypts, unzips,
// and runs the real install command line with the cmd/msiexec model — and the report says what the IME
// would end with. An install that starts a program imesim does not model (powershell.exe, a vendor
// setup.exe) makes the result inconclusive rather than a failure of the package.
import { MODELLED_PROGRAMS } from "@imesim/agent/host/installer";
import { EnforcementState, nameOf } from "@imesim/contracts/enums";
import { stringify } from "yaml";
import { runScenario } from "../run/run-scenario.ts";
import { parseScenario } from "../scenario/index.ts";
import type { TestedApp } from "./app-input.ts";
import type { PackageSource } from "./package-source.ts";

/** cmd.exe's exit code when it cannot find a program (windows-formats.md §6.7). */
const NOT_RECOGNIZED = 9009;

/** A started program's name without folder or `.exe`, as the report names it (`C:\\Tools\\Setup.exe` → `setup`). */
const programName = (name: string) => (name.split(/[\\/]/).pop() ?? name).toLowerCase().replace(/\.exe$/, "");

/** Whether the agent's command-line model runs the program itself; it keys them as `msiexec.exe`. */
const isModelled = (name: string) => MODELLED_PROGRAMS.has(`${programName(name)}.exe`);

export interface SimulatedInstall {
  /** False when the install started a program imesim does not model: the outcome says nothing about the package. */
  readonly conclusive: boolean;
  readonly detectedBefore: boolean | undefined;
  readonly exitCode: number | undefined;
  /** The ReturnCodes word the exit code mapped to, or "unmapped". */
  readonly mapping: string | undefined;
  readonly detectedAfter: boolean | undefined;
  readonly enforcementState: number | undefined;
  readonly enforcementStateName: string | undefined;
  readonly errorCode: number | undefined;
  /** Why the run is inconclusive; empty when it is conclusive. */
  readonly note: string;
  /** Every command line the IME ran, in order: what the packager reads to learn why an install failed. */
  readonly commands: readonly CommandRun[];
}

/** One install or uninstall command line as it ran on the simulated device. */
export interface CommandRun {
  readonly intent: "install" | "uninstall";
  /** 1 for the first try, 2 for the first retry, … */
  readonly attempt: number;
  readonly commandLine: string;
  /** Undefined when it was still running at MaxRunTimeInMinutes and the IME abandoned it. */
  readonly exitCode: number | undefined;
  /** What it wrote to its console (stdout, then stderr), as cmd would show it. */
  readonly output: string;
}

/**
 * What the simulated device reaches outside itself (issue 15): the scenario's `web:` section (URLs answered
 * from local files, or every download failing offline) and `packages:` (the choco/winget catalogue).
 */
export interface SimulatedWorld {
  readonly web?: { readonly offline?: boolean; readonly urls?: ReadonlyArray<{ url: string; file: string }> };
  readonly packages?: readonly unknown[];
}

/** A started "program" that is an unlisted URL (the PowerShell model announces downloads it cannot answer). */
const isUrl = (name: string) => /^[a-z][a-z0-9+.-]*:\/\//i.test(name);

/** Runs the app's required install on one fresh device for long enough to finish (MaxRunTime + 1 h). */
export async function simulateInstall(
  app: TestedApp,
  source: PackageSource,
  world: SimulatedWorld = {},
): Promise<SimulatedInstall> {
  const definition =
    app.form === "policy"
      ? { policy: app.policy as unknown as Record<string, unknown> }
      : {
          // The checked app carries the unified `rules`; the legacy collections it was sent with would clash.
          graph: {
            ...(app.graphApp as unknown as Record<string, unknown>),
            id: undefined,
            detectionRules: undefined,
            requirementRules: undefined,
          },
        };
  const hours = Math.ceil(app.policy.InstallEx.MaxRunTimeInMinutes / 60) + 1;
  const text = stringify({
    name: `imesim test: ${app.name}`,
    duration: `${hours}h`,
    apps: [
      {
        name: app.name,
        ...definition,
        package: source.kind === "intunewin" ? { intunewin: source.path } : { folder: source.path },
        assignments: [{ intent: "required" }],
      },
    ],
    expect: [{ app: app.name, enforcementState: "Success" }],
    ...(world.web === undefined ? {} : { web: world.web }),
    ...(world.packages === undefined ? {} : { packages: world.packages }),
  });
  const urls = new Map<string, string>();
  const unmodelled = new Set<string>();
  const commands: CommandRun[] = [];
  const result = await runScenario(
    parseScenario(text, { file: "imesim-test.yaml", baseDir: process.cwd() }),
    {
      onProgramStart: (name: string, detail?: string) => {
        // Batch files are interpreted by the cmd model itself.
        if (isUrl(name)) urls.set(name, detail ?? name);
        else if (!isModelled(name) && !/\.(cmd|bat)$/i.test(name)) unmodelled.add(programName(name));
      },
      onInstallEnded: (request, outcome) =>
        commands.push({
          intent: request.intent,
          attempt: request.attempt,
          commandLine: request.commandLine,
          exitCode: outcome.exitCode,
          output: [outcome.stdout, outcome.stderr].filter((text) => text.trim() !== "").join("\n"),
        }),
    },
  );
  const events = result.devices[0]?.outcome.events ?? [];
  const detections = events.filter((event) => event.phase === "detection.completed");
  const before = detections.find(
    (event) => event.phase === "detection.completed" && !event.details.afterExecution,
  );
  const after = [...detections]
    .reverse()
    .find((event) => event.phase === "detection.completed" && event.details.afterExecution);
  const finished = events.find((event) => event.phase === "install.finished");
  const state = result.devices[0]?.finalStates[0];
  const exitCode = finished?.phase === "install.finished" ? finished.details.exitCode : undefined;
  const conclusive = exitCode !== NOT_RECOGNIZED && unmodelled.size === 0 && urls.size === 0;
  return {
    conclusive,
    detectedBefore: before?.phase === "detection.completed" ? before.details.detected : undefined,
    exitCode,
    mapping: finished?.phase === "install.finished" ? (finished.details.mapping ?? "unmapped") : undefined,
    detectedAfter: after?.phase === "detection.completed" ? after.details.detected : undefined,
    enforcementState: state?.enforcementState,
    enforcementStateName:
      state?.enforcementState === undefined ? undefined : nameOf(EnforcementState, state.enforcementState),
    errorCode: state?.errorCode,
    note: conclusive
      ? ""
      : urls.size > 0
        ? `the install downloads what the modelled internet does not list — ${[...urls.values()].join("; ")}`
        : `the install starts ${unmodelled.size > 0 ? [...unmodelled].join(", ") : "a program"}, which imesim does not model; ` +
          "declare what it does in a scenario (programs:) to simulate this package",
    commands,
  };
}
