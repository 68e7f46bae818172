// Cmdlets that start programs or read the system: Start-Process and native commands through the launcher,
// Get-CimInstance/Get-WmiObject for the classes rules query (Win32_Product from the MSI registrations),
// services from the registry, and the process list (the virtual device runs no background processes).
import { ImesimError } from "@imesim/contracts/errors";
import type { ProgramResult } from "../../process/program.ts";
import { listServices, START_TYPES, setServiceRunning, setServiceStart } from "../../process/services.ts";
import type { Cmdlet, CmdletCall, Run } from "./interpreter.ts";
import { after, findProgram, nativeCommandLine, startProgram } from "./native.ts";
import { wildcardRegExp } from "./operators.ts";
import { registryData } from "./provider-paths.ts";
import { enumerate, PsObject, type PsValue, toText } from "./values.ts";

/** The lines a program wrote, as PowerShell hands native output down the pipeline. */
function outputLines(text: string | undefined): PsValue[] {
  if (text === undefined || text === "") return [];
  const lines = text.split(/\r?\n/);
  if (lines.at(-1) === "") lines.pop();
  return lines;
}

function finishNative(call: CmdletCall, result: ProgramResult): PsValue[] {
  call.ps.elapsedMs += result.durationMs ?? 0;
  if (result.stderr !== undefined && result.stderr !== "") call.ps.emit(call.ps.stderr, result.stderr);
  call.ps.lastExitCode = result.exitCode | 0;
  call.ps.lastSuccess = result.exitCode === 0;
  return outputLines(result.stdout);
}

function notRecognized(call: CmdletCall, name: string): PsValue[] {
  call.ps.writeError(
    call,
    `The term '${name}' is not recognized as the name of a cmdlet, function, script file, or operable program. Check the spelling of the name, or if a path was included, verify that the path is correct and try again.`,
    "System.Management.Automation.CommandNotFoundException",
  );
  return [];
}

/** A command name that is no cmdlet, function or alias: a program or script on the device, or unmodelled. */
const external: Cmdlet = {
  run(call): PsValue[] | Promise<PsValue[]> | Run<PsValue[]> {
    const ps = call.ps;
    const name = toText(call.named.get("filepath") ?? null);
    const argv = enumerate(call.named.get("argv") ?? null).map(toText);
    const path = findProgram(ps, name, false);
    if (path !== undefined && /\.ps1$/i.test(path))
      return ps.runScriptFile(path, argv, call.named.get("dot") === true, call.line);
    const started = startProgram(ps, name, path, nativeCommandLine(argv), ps.cwd);
    return after(started, (result) => {
      if (result !== undefined) return after(result, (r) => finishNative(call, r));
      // A Verb-Noun name is a cmdlet imesim does not model: stop, naming it, rather than guess.
      if (/^[a-z]+-[a-z]+$/i.test(name))
        throw new ImesimError("PS_NOT_MODELLED", `line ${call.line}: \`${name}\` is not modelled`);
      return notRecognized(call, name);
    }) as PsValue[] | Promise<PsValue[]>;
  },
};

/** The Process object `Start-Process -PassThru` returns once the program has ended. */
function processObject(name: string, result: ProgramResult): PsObject {
  return new PsObject(
    ["System.Diagnostics.Process"],
    {
      Id: 4000 + (name.length % 97) * 4,
      ProcessName: name.replace(/^.*\\/, "").replace(/\.exe$/i, ""),
      ExitCode: result.exitCode | 0,
      HasExited: true,
    },
    `System.Diagnostics.Process (${name.replace(/^.*\\/, "").replace(/\.exe$/i, "")})`,
  ).method("WaitForExit", () => true);
}

/**
 * Start-Process: -ArgumentList strings are joined with spaces as Windows PowerShell 5.1 does. The program
 * always runs to its end before the script goes on (our choice: without -Wait the real script would race it,
 * and the IME waits for the whole process tree only through the script's own -Wait).
 */
const startProcess: Cmdlet = {
  params: [
    "FilePath",
    "ArgumentList",
    "WorkingDirectory",
    "WindowStyle",
    "Verb",
    "RedirectStandardOutput",
    "RedirectStandardError",
    "RedirectStandardInput",
    "Credential",
  ],
  switches: ["Wait", "PassThru", "NoNewWindow", "UseNewEnvironment", "LoadUserProfile"],
  positional: ["FilePath", "ArgumentList"],
  aliases: { Args: "ArgumentList", PSPath: "FilePath", Path: "FilePath" },
  run(call) {
    const ps = call.ps;
    const name = toText(call.named.get("filepath") ?? null);
    const args = enumerate(call.named.get("argumentlist") ?? null)
      .map(toText)
      .join(" ");
    const cwd = call.named.has("workingdirectory")
      ? ps.fullPath(toText(call.named.get("workingdirectory")!))
      : ps.cwd;
    const path = findProgram(ps, name, true);
    const started = startProgram(ps, name, path, args, cwd);
    return after(started, (result) => {
      if (result === undefined) {
        ps.writeError(
          call,
          "This command cannot be run due to the error: The system cannot find the file specified.",
          "System.InvalidOperationException",
        );
        return [];
      }
      return after(result, (r): PsValue[] => {
        ps.elapsedMs += r.durationMs ?? 0;
        const stdoutFile = call.named.get("redirectstandardoutput");
        if (stdoutFile !== undefined && stdoutFile !== null) ps.writeText(toText(stdoutFile), r.stdout ?? "");
        const stderrFile = call.named.get("redirectstandarderror");
        if (stderrFile !== undefined && stderrFile !== null) ps.writeText(toText(stderrFile), r.stderr ?? "");
        else if (call.named.get("nonewwindow") === true && r.stderr !== undefined)
          ps.emit(ps.stderr, r.stderr);
        if (
          call.named.get("nonewwindow") === true &&
          (stdoutFile === undefined || stdoutFile === null) &&
          r.stdout !== undefined
        )
          ps.emit(ps.stdout, r.stdout);
        return call.named.get("passthru") === true ? [processObject(name, r)] : [];
      });
    }) as PsValue[] | Promise<PsValue[]>;
  },
};

const UNINSTALL_KEYS = ["HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall"];

/** Win32_Product: the products Windows Installer registered (their Uninstall entries with a product code). */
function win32Products(call: CmdletCall): PsObject[] {
  const ps = call.ps;
  const out: PsObject[] = [];
  for (const view of [64, 32] as const) {
    for (const root of UNINSTALL_KEYS) {
      const access = { view, ...(ps.context.userSid === undefined ? {} : { userSid: ps.context.userSid }) };
      for (const sub of ps.host.registry.listSubkeys(root, access)) {
        if (!/^\{[0-9A-F-]{36}\}$/i.test(sub)) continue;
        const key = `${root}\\${sub}`;
        if (ps.host.registry.getValue(key, "WindowsInstaller", access)?.data !== 1) continue;
        const value = (name: string) => {
          const v = ps.host.registry.getValue(key, name, access);
          return v === undefined ? null : registryData(v, (t) => t);
        };
        out.push(
          new PsObject(["Microsoft.Management.Infrastructure.CimInstance#root/cimv2/Win32_Product"], {
            IdentifyingNumber: sub,
            Name: value("DisplayName"),
            Version: value("DisplayVersion"),
            Vendor: value("Publisher"),
            InstallLocation: value("InstallLocation"),
            InstallDate: value("InstallDate"),
          }),
        );
      }
    }
  }
  return out;
}

function cimClass(call: CmdletCall, name: string): PsObject[] {
  const ps = call.ps;
  const env = (v: string) => ps.environment.get(v) ?? "";
  switch (name.toLowerCase()) {
    case "win32_operatingsystem": {
      const build = (() => {
        const v = ps.host.registry.getValue(
          "HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion",
          "CurrentBuildNumber",
          { view: 64 },
        );
        return v?.type === "REG_SZ" ? v.data : "26100";
      })();
      const caption = ps.host.registry.getValue(
        "HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion",
        "ProductName",
        { view: 64 },
      );
      return [
        new PsObject(["Microsoft.Management.Infrastructure.CimInstance#root/cimv2/Win32_OperatingSystem"], {
          Caption: caption?.type === "REG_SZ" ? caption.data : "Microsoft Windows 11 Enterprise",
          Version: `10.0.${build}`,
          BuildNumber: build,
          OSArchitecture: ps.is64BitOs ? "64-bit" : "32-bit",
          SystemDrive: env("SystemDrive"),
          WindowsDirectory: env("SystemRoot"),
          ProductType: 1,
        }),
      ];
    }
    case "win32_computersystem":
      return [
        new PsObject(["Microsoft.Management.Infrastructure.CimInstance#root/cimv2/Win32_ComputerSystem"], {
          Name: ps.computerName,
          Domain: "WORKGROUP",
          Manufacturer: "imesim",
          Model: "Virtual Device",
          SystemType: ps.is64BitOs ? "x64-based PC" : "X86-based PC",
          NumberOfLogicalProcessors: Number(env("NUMBER_OF_PROCESSORS") || "4"),
          PartOfDomain: false,
        }),
      ];
    case "win32_product":
      return win32Products(call);
    default:
      throw new ImesimError("PS_NOT_MODELLED", `line ${call.line}: the WMI class ${name} is not modelled`);
  }
}

const getCimInstance: Cmdlet = {
  params: ["ClassName", "Filter", "Namespace", "Query", "ComputerName", "Property"],
  positional: ["ClassName"],
  aliases: { Class: "ClassName" },
  run(call) {
    const query = call.named.get("query");
    let className = toText(call.named.get("classname") ?? null);
    let filter = call.named.get("filter") === undefined ? undefined : toText(call.named.get("filter")!);
    if (query !== undefined && query !== null) {
      const m = /^\s*select\s+.+?\s+from\s+(\w+)(?:\s+where\s+(.+))?$/i.exec(toText(query));
      if (m === null)
        throw new ImesimError(
          "PS_NOT_MODELLED",
          `line ${call.line}: the WQL query "${toText(query)}" is not modelled`,
        );
      className = m[1]!;
      filter = m[2];
    }
    const items = cimClass(call, className);
    if (filter === undefined) return items;
    const clause = /^\s*(\w+)\s*(=|like)\s*['"](.*)['"]\s*$/i.exec(filter);
    if (clause === null)
      throw new ImesimError(
        "PS_NOT_MODELLED",
        `line ${call.line}: the WMI filter "${filter}" is not modelled`,
      );
    const pattern =
      clause[2]!.toLowerCase() === "like"
        ? wildcardRegExp(clause[3]!.replace(/%/g, "*").replace(/_/g, "?"))
        : undefined;
    return items.filter((item) => {
      const value = toText(item.get(clause[1]!) ?? null);
      return pattern === undefined ? value.toLowerCase() === clause[3]!.toLowerCase() : pattern.test(value);
    });
  },
};

/** The device's services (programs/services.ts) as ServiceController objects, filtered by name or display name. */
function serviceObjects(call: CmdletCall, names: readonly string[] | undefined): PsObject[] {
  return listServices(call.ps.host.registry)
    .filter(
      (s) =>
        names === undefined ||
        names.some((n) => wildcardRegExp(n).test(s.name) || wildcardRegExp(n).test(s.displayName)),
    )
    .map(
      (s) =>
        new PsObject(
          ["System.ServiceProcess.ServiceController"],
          {
            Name: s.name,
            ServiceName: s.name,
            DisplayName: s.displayName,
            Status: s.running ? "Running" : "Stopped",
            StartType: START_TYPES[s.start] ?? "Manual",
          },
          s.name,
        ),
    );
}

const getService: Cmdlet = {
  params: ["Name", "DisplayName"],
  positional: ["Name"],
  aliases: { ServiceName: "Name" },
  run(call) {
    const names =
      call.named.has("name") || call.named.has("displayname")
        ? enumerate(call.named.get("name") ?? call.named.get("displayname")!).map(toText)
        : undefined;
    const found = serviceObjects(call, names);
    for (const name of names ?? []) {
      if (
        !/[*?]/.test(name) &&
        !found.some((s) => toText(s.get("Name") ?? null).toLowerCase() === name.toLowerCase())
      )
        call.ps.writeError(
          call,
          `Cannot find any service with service name '${name}'.`,
          "Microsoft.PowerShell.Commands.ServiceCommandException",
        );
    }
    return found;
  },
};

function serviceState(running: boolean): Cmdlet {
  return {
    params: ["Name", "InputObject", "DisplayName"],
    switches: ["Force", "PassThru", "NoWait"],
    positional: ["Name"],
    run(call) {
      const names = [...enumerate(call.named.get("name") ?? null), ...call.input].map((v) =>
        v instanceof PsObject ? toText(v.get("Name") ?? null) : toText(v),
      );
      for (const service of serviceObjects(call, names))
        setServiceRunning(call.ps.host.registry, toText(service.get("Name") ?? null), running);
      return [];
    },
  };
}

const setService: Cmdlet = {
  params: ["Name", "StartupType", "Status", "DisplayName", "Description", "InputObject"],
  switches: ["PassThru"],
  positional: ["Name"],
  run(call) {
    const startup = call.named.get("startuptype");
    for (const service of serviceObjects(call, [toText(call.named.get("name") ?? null)])) {
      const name = toText(service.get("Name") ?? null);
      if (startup !== undefined && startup !== null) {
        const wanted = toText(startup).toLowerCase().replace("automaticdelayedstart", "automatic");
        const index = START_TYPES.findIndex((t) => t.toLowerCase() === wanted);
        setServiceStart(call.ps.host.registry, name, index < 0 ? 3 : index);
      }
      const status = call.named.get("status");
      if (status !== undefined && status !== null)
        setServiceRunning(call.ps.host.registry, name, toText(status).toLowerCase() === "running");
    }
    return [];
  },
};

/** The device runs no processes besides the script itself: a named process is never found. */
function missingProcesses(call: CmdletCall): PsValue[] {
  for (const name of enumerate(call.named.get("name") ?? null).map(toText)) {
    if (!/[*?]/.test(name))
      call.ps.writeError(
        call,
        `Cannot find a process with the name "${name}". Verify the process name and call the cmdlet again.`,
        "Microsoft.PowerShell.Commands.ProcessCommandException",
      );
  }
  return [];
}

const getProcess: Cmdlet = {
  params: ["Name", "Id"],
  positional: ["Name"],
  aliases: { ProcessName: "Name" },
  run: missingProcesses,
};

const stopProcess: Cmdlet = {
  params: ["Name", "Id", "InputObject"],
  switches: ["Force", "PassThru"],
  positional: ["Id"],
  aliases: { ProcessName: "Name" },
  run: missingProcesses,
};

const invokeExpression: Cmdlet = {
  params: ["Command"],
  positional: ["Command"],
  run(call) {
    return call.ps.runText(toText(call.named.get("command") ?? null), call.line);
  },
};

/** The system cmdlets by lower-case name; `&external` is how the interpreter starts a program. */
export const SYSTEM_CMDLETS: ReadonlyArray<readonly [string, Cmdlet]> = [
  ["&external", external],
  ["start-process", startProcess],
  ["get-ciminstance", getCimInstance],
  ["get-wmiobject", getCimInstance],
  ["get-service", getService],
  ["start-service", serviceState(true)],
  ["stop-service", serviceState(false)],
  ["restart-service", serviceState(true)],
  ["set-service", setService],
  ["get-process", getProcess],
  ["stop-process", stopProcess],
  ["invoke-expression", invokeExpression],
];
