// The PowerShell interpreter (`@imesim/agent/host/installer/powershell`): Windows PowerShell 5.1 as install
// scripts and detection/requirement scripts use it, over the virtual device.
export { parseScript } from "./parser.ts";
export {
  POWERSHELL_CMDLETS,
  type PowerShellResult,
  type PowerShellRunOptions,
  runPowerShell,
  runPowerShellSync,
} from "./powershell.ts";
export { parsePowerShellCommandLine, runPowerShellExe } from "./powershell-exe.ts";
export { createPowerShellScriptRunner, type PowerShellScriptRunnerOptions } from "./script-runner.ts";
