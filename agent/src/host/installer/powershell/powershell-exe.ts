// powershell.exe as a program on the device: Windows PowerShell 5.1's command line (-File, -Command,
// -EncodedCommand, -ExecutionPolicy, …), started from cmd, from another PowerShell or by the IME itself.
// Started from the IME's 32-bit service it is SysWOW64's PowerShell (ime.md §1.5): 32-bit registry view,
// `$env:ProgramFiles` = Program Files (x86) — unless the command line goes through Sysnative.

import { processEnvironment } from "../../process/process-environment.ts";
import type { CallerProcess, ProgramInvocation, ProgramResult } from "../../process/program.ts";
import { splitArguments } from "../../process/program.ts";
import { decodeText } from "./interpreter.ts";
import { runPowerShell } from "./powershell.ts";

/** What the command line asks for. */
interface PowerShellCommandLine {
  readonly file: string | undefined;
  readonly command: string | undefined;
  readonly args: readonly string[];
  readonly executionPolicy: string | undefined;
}

const VALUE_OPTIONS = [
  "executionpolicy",
  "windowstyle",
  "inputformat",
  "outputformat",
  "version",
  "configurationname",
  "psconsolefile",
];
const FLAG_OPTIONS = ["noprofile", "nologo", "noninteractive", "noexit", "sta", "mta"];

/** Parses powershell.exe's arguments (options may be abbreviated, as PowerShell allows). */
export function parsePowerShellCommandLine(argv: readonly string[]): PowerShellCommandLine {
  let executionPolicy: string | undefined;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    const option = /^[-/]([A-Za-z]+)$/.exec(arg)?.[1]?.toLowerCase();
    if (option === undefined)
      return { file: undefined, command: argv.slice(i).join(" "), args: [], executionPolicy };
    const value = VALUE_OPTIONS.find((o) => o.startsWith(option) && option.length >= 2);
    if (value !== undefined) {
      if (value === "executionpolicy") executionPolicy = argv[i + 1];
      i += 1;
      continue;
    }
    if (FLAG_OPTIONS.some((o) => o.startsWith(option) && option.length >= 3)) continue;
    if ("file".startsWith(option))
      return { file: argv[i + 1], command: undefined, args: argv.slice(i + 2), executionPolicy };
    if ("command".startsWith(option))
      return { file: undefined, command: argv.slice(i + 1).join(" "), args: [], executionPolicy };
    if ("encodedcommand".startsWith(option) || option === "ec" || option === "enc") {
      const text = Buffer.from(argv[i + 1] ?? "", "base64").toString("utf16le");
      return { file: undefined, command: text, args: [], executionPolicy };
    }
    return { file: undefined, command: argv.slice(i).join(" "), args: [], executionPolicy };
  }
  return { file: undefined, command: undefined, args: [], executionPolicy };
}

/** The machine's execution policy: the command line's, else the registry's, else Windows client's Restricted. */
function effectivePolicy(caller: CallerProcess, given: string | undefined): string {
  if (given !== undefined) return given.toLowerCase();
  for (const key of [
    "HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\PowerShell",
    "HKLM\\SOFTWARE\\Microsoft\\PowerShell\\1\\ShellIds\\Microsoft.PowerShell",
  ]) {
    const value = caller.host.registry.getValue(key, "ExecutionPolicy", { view: 64 });
    if (value?.type === "REG_SZ") return value.data.toLowerCase();
  }
  return "restricted";
}

/** Runs `powershell.exe <args>` as a child process of `caller`. */
export async function runPowerShellExe(
  invocation: ProgramInvocation,
  caller: CallerProcess,
): Promise<ProgramResult> {
  const line = parsePowerShellCommandLine(splitArguments(invocation.args));
  const sameBitness = invocation.context.bitness === caller.context.bitness;
  const environment = sameBitness
    ? caller.environment.clone()
    : processEnvironment(caller.host, invocation.context);
  const base = {
    host: caller.host,
    context: invocation.context,
    environment,
    cwd: invocation.workingDirectory,
    resolver: caller.resolver,
    world: caller.world,
    programs: caller.programs,
    startedAtMs: caller.now(),
  };
  if (line.file !== undefined) {
    const path = caller.fullPath(line.file);
    const text = caller.readText(path);
    if (text === undefined || !/\.ps1$/i.test(path)) {
      // Windows PowerShell 5.1's answer to a -File that does not exist.
      return {
        exitCode: -196608,
        stderr: `The argument '${line.file}' to the -File parameter does not exist. Provide the path to an existing '.ps1' file as an argument to the -File parameter.\r\n`,
      };
    }
    const policy = effectivePolicy(caller, line.executionPolicy);
    const signed = /# SIG # Begin signature block/.test(text);
    if (policy === "restricted" || (policy === "allsigned" && !signed)) {
      return {
        exitCode: 1,
        stderr: `File ${path} cannot be loaded because running scripts is disabled on this system. For more information, see about_Execution_Policies at https:/go.microsoft.com/fwlink/?LinkID=135170.\r\n    + CategoryInfo          : SecurityError: (:) [], ParentContainsErrorRecordException\r\n    + FullyQualifiedErrorId : UnauthorizedAccess\r\n`,
      };
    }
    const bytes = caller.host.fs.readFile(caller.devicePath(path));
    const result = await runPowerShell({
      ...base,
      script: decodeText(bytes),
      scriptPath: path,
      args: line.args,
      mode: "file",
    });
    return finish(result, invocation, caller);
  }
  if (line.command === undefined) {
    // An interactive PowerShell reads commands from stdin; the install has none, so it exits at once.
    return { exitCode: 0 };
  }
  const result = await runPowerShell({ ...base, script: line.command, mode: "command" });
  return finish(result, invocation, caller);
}

async function finish(
  result: Awaited<ReturnType<typeof runPowerShell>>,
  invocation: ProgramInvocation,
  caller: CallerProcess,
): Promise<ProgramResult> {
  let stderr = result.stderr;
  if (result.notModelled !== undefined) {
    stderr += `imesim: ${result.notModelled}\r\n`;
    // Announce what stopped the script to the scenario's resolver, the way every other start is announced,
    // so `imesim test` names it in an INCONCLUSIVE verdict.
    const what = /`([^`]+)`/.exec(result.notModelled)?.[1] ?? "powershell construct";
    await caller.resolver?.(
      { ...invocation, name: what, path: undefined, args: result.notModelled, argv: [] },
      caller.host,
    );
  }
  return { exitCode: result.exitCode, stdout: result.stdout, stderr, durationMs: result.elapsedMs };
}
