// What runs an install or uninstall command line on the virtual device (`@imesim/agent/host/installer`):
// the agreed `Installer` contract, scripted effects from a scenario, and the real command-line model
// (SysWOW64 cmd.exe interpreting .cmd/.bat files, and msiexec reading the real .msi).

// The programs the model runs itself, by lower-case file name ("msiexec.exe"): callers that must tell a
// modelled program from an unknown one read this list rather than keep their own.
export { MODELLED_PROGRAMS, runCmdLine, runCmdScript } from "../process/launcher.ts";
export type { ModelledProgram } from "../process/program.ts";
export type {
  CmdRunOptions,
  CmdRunResult,
  ProgramInvocation,
  ProgramResolver,
  ProgramResult,
} from "./cmd/index.ts";
export {
  type CommandLineInstallerOptions,
  createCommandLineInstaller,
  runInstallCommand,
} from "./command-line-installer.ts";
export { MsiexecExitCode, runMsiexec } from "./msiexec/index.ts";
export {
  createScriptedInstaller,
  type ScriptedAttempt,
  type ScriptedBehaviour,
  type ScriptedEffects,
} from "./scripted.ts";
export type { Installer, InstallOutcome, InstallRequest } from "./types.ts";
