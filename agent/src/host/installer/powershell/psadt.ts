// The PowerShell App Deployment Toolkit, modelled natively rather than interpreted: the functions packages
// call (v4 `Start-ADTMsiProcess`, `Open-ADTSession`, … and their v3 names `Execute-MSI`, `Exit-Script`, …)
// do what the toolkit documents — run msiexec and programs through the launcher, copy files, write the
// registry, search the uninstall keys — and write the toolkit's CMTrace log to C:\Windows\Logs\Software.
// Under the IME the session is non-interactive (SYSTEM in session 0), so every dialog is bypassed and logged.
// Failures follow the toolkit: v4's template closes with 60001, v3's Execute-MSI exits with the MSI's code.
import { ImesimError } from "@imesim/contracts/errors";
import { formatDateWith } from "./dotnet.ts";
import type { Cmdlet, CmdletCall, PsProcess } from "./interpreter.ts";
import { after, findProgram, startProgram } from "./native.ts";
import { wildcardRegExp } from "./operators.ts";
import { providerPath, registryData } from "./provider-paths.ts";
import { errorRecord, FlowSignal, TerminatingError } from "./signals.ts";
import {
  enumerate,
  PsDate,
  PsHashtable,
  PsObject,
  type PsValue,
  toNumberOrUndefined,
  toText,
} from "./values.ts";

const SESSION = "psadt.session";
const LOG_FOLDER = "C:\\Windows\\Logs\\Software";

interface Session {
  readonly version: 3 | 4;
  readonly object: PsObject;
  readonly logPath: string;
  /** The exit code Close-ADTSession / Exit-Script ends with when none is given (3010 after a reboot code). */
  exitCode: number;
}

function openSession(ps: PsProcess, version: 3 | 4, values: ReadonlyMap<string, PsValue>): Session {
  const pick = (name: string, fallback: string) => {
    const value = values.get(name.toLowerCase()) ?? ps.variable(name);
    return value === null || value === undefined || toText(value) === "" ? fallback : toText(value);
  };
  const vendor = pick("AppVendor", "");
  const name = pick("AppName", "");
  const version_ = pick("AppVersion", "");
  const arch = pick("AppArch", "");
  const lang = pick("AppLang", "");
  const revision = pick("AppRevision", "");
  const deploymentType = pick("DeploymentType", "Install");
  const installName =
    [vendor, name, version_, arch, lang, revision]
      .filter((p) => p !== "")
      .join("_")
      .replace(/\s+/g, "") || "PSAppDeployToolkit";
  const object = new PsObject(["PSADT.Module.DeploymentSession"], {
    AppVendor: vendor,
    AppName: name,
    AppVersion: version_,
    DeploymentType: deploymentType,
    // Under the IME there is no interactive session: the toolkit switches Auto to NonInteractive.
    DeployMode: pick("DeployMode", "Auto").toLowerCase() === "silent" ? "Silent" : "NonInteractive",
    InstallName: installName,
    InstallPhase: "Initialization",
    LogPath: LOG_FOLDER,
    DirFiles: `${toText(ps.variable("PSScriptRoot"))}\\Files`,
    DirSupportFiles: `${toText(ps.variable("PSScriptRoot"))}\\SupportFiles`,
  });
  const s: Session = {
    version,
    object,
    logPath: `${LOG_FOLDER}\\${installName}_PSAppDeployToolkit_${deploymentType}.log`,
    exitCode: 0,
  };
  ps.state.set(SESSION, s);
  log(ps, s, `[${installName}] setup started.`, 1, "Open-ADTSession");
  log(
    ps,
    s,
    `[${installName}] deployment type is [${deploymentType}], mode [${toText(object.get("DeployMode") ?? null)}].`,
    1,
    "Open-ADTSession",
  );
  return s;
}

/** Appends one line to the toolkit's log in CMTrace format. */
function log(ps: PsProcess, s: Session, message: string, severity: number, component: string): void {
  const now = new PsDate(ps.now());
  const line = `<![LOG[${message}]LOG]!><time="${formatDateWith(now, "HH:mm:ss.fff")}+000" date="${formatDateWith(now, "MM-dd-yyyy")}" component="${component}" context="NT AUTHORITY\\SYSTEM" type="${severity}" thread="1" file="">\r\n`;
  // The toolkit writes with .NET from its own (64-bit-agnostic) path: C:\Windows\Logs is never redirected.
  let existing = "";
  try {
    existing = new TextDecoder().decode(ps.host.fs.readFile(s.logPath));
  } catch {
    existing = "";
  }
  ps.host.fs.writeFile(s.logPath, existing + line);
}

function active(call: CmdletCall): Session {
  const s = call.ps.state.get(SESSION) as Session | undefined;
  if (s !== undefined) return s;
  // A toolkit function before any session (a script that never opened one): open one with the defaults.
  return openSession(call.ps, 3, new Map());
}

/** A path as the toolkit resolves it: relative ones against the package's Files folder. */
function filesPath(call: CmdletCall, path: string): string {
  if (/^[A-Za-z]:|^\\\\/.test(path)) return path;
  const root = toText(call.ps.variable("PSScriptRoot"));
  const inFiles = `${root}\\Files\\${path}`;
  return call.ps.stat(inFiles) !== undefined ? inFiles : `${root}\\${path}`;
}

/** Runs a program for the toolkit and applies its exit-code rules; returns the exit code. */
function runProcess(
  call: CmdletCall,
  file: string,
  args: string,
  options: { successCodes: readonly number[]; ignore: readonly number[]; component: string },
): PsValue[] | Promise<PsValue[]> {
  const ps = call.ps;
  const s = active(call);
  const path = findProgram(ps, file, true);
  log(ps, s, `Executing [${path ?? file} ${args}]...`, 1, options.component);
  const started = startProgram(ps, file, path, args, ps.cwd);
  return after(started, (result): PsValue[] | Promise<PsValue[]> => {
    if (result === undefined) {
      log(ps, s, `[${file}] contains an invalid path or file name.`, 3, options.component);
      throw new TerminatingError(
        errorRecord(
          `[${file}] contains an invalid path or file name.`,
          "System.IO.FileNotFoundException",
          call.line,
        ),
        call.line,
      );
    }
    return after(result, (r) => {
      ps.elapsedMs += r.durationMs ?? 0;
      const code = r.exitCode | 0;
      const passThru = call.named.get("passthru") === true;
      const output = passThru
        ? [
            new PsObject(["PSADT.Types.ProcessResult"], {
              ExitCode: code,
              StdOut: r.stdout ?? "",
              StdErr: r.stderr ?? "",
            }),
          ]
        : [];
      if (options.successCodes.includes(code) || options.ignore.includes(code)) {
        log(ps, s, `Execution completed successfully with exit code [${code}].`, 1, options.component);
        return output;
      }
      if (code === 3010 || code === 1641) {
        log(
          ps,
          s,
          `Execution completed successfully with exit code [${code}]. A reboot is required.`,
          2,
          options.component,
        );
        s.exitCode = 3010;
        return output;
      }
      log(ps, s, `Execution failed with exit code [${code}].`, 3, options.component);
      if (s.version === 3) {
        // v3: a failed Execute-MSI/Execute-Process ends the script with the program's exit code.
        throw new FlowSignal("exit", code);
      }
      s.exitCode = code;
      throw new TerminatingError(
        errorRecord(
          `Execution failed with exit code [${code}].`,
          "PSADT.Exceptions.ProcessExitCodeException",
          call.line,
        ),
        call.line,
      );
    });
  });
}

const numbers = (value: PsValue | undefined, fallback: readonly number[]): number[] =>
  value === undefined || value === null
    ? [...fallback]
    : enumerate(value)
        .flatMap((v) => toText(v).split(","))
        .map((v) => Number(v.trim()));

function msiProcess(version: 3 | 4): Cmdlet {
  return {
    params: [
      "Action",
      "FilePath",
      "Path",
      "ProductCode",
      "ArgumentList",
      "Parameters",
      "AdditionalArgumentList",
      "AddParameters",
      "Transforms",
      "Transform",
      "Patches",
      "Patch",
      "LogFileName",
      "LogName",
      "WorkingDirectory",
      "SuccessExitCodes",
      "IgnoreExitCodes",
      "PriorityClass",
    ],
    switches: [
      "PassThru",
      "SkipMSIAlreadyInstalledCheck",
      "SkipIfAlreadyInstalled",
      "ContinueOnError",
      "NoWait",
      "RepairFromSource",
    ],
    positional: ["Action", "FilePath"],
    aliases: {
      Path: "FilePath",
      Parameters: "ArgumentList",
      AddParameters: "AdditionalArgumentList",
      Transform: "Transforms",
      Patch: "Patches",
      LogName: "LogFileName",
    },
    run(call) {
      const action = toText(call.named.get("action") ?? "Install").toLowerCase();
      const target = toText(call.named.get("filepath") ?? call.named.get("productcode") ?? null);
      const isCode = /^\{[0-9a-f-]{36}\}$/i.test(target);
      const msi = isCode ? target : filesPath(call, target);
      const flag =
        { install: "/i", uninstall: "/x", patch: "/update", repair: "/f", activesetup: "/fups" }[action] ??
        "/i";
      const s = active(call);
      const name = toText(s.object.get("InstallName") ?? "PSAppDeployToolkit");
      const logFile = `${LOG_FOLDER}\\${call.named.has("logfilename") ? toText(call.named.get("logfilename")!) : name}_${action === "install" ? "Install" : action.charAt(0).toUpperCase() + action.slice(1)}.log`;
      const transforms = call.named.get("transforms");
      const base = call.named.has("argumentlist")
        ? toText(call.named.get("argumentlist")!)
        : "REBOOT=ReallySuppress /QN";
      const extra = call.named.has("additionalargumentlist")
        ? ` ${toText(call.named.get("additionalargumentlist")!)}`
        : "";
      const mst =
        transforms === undefined || transforms === null
          ? ""
          : ` TRANSFORMS="${enumerate(transforms)
              .map((t) => filesPath(call, toText(t)))
              .join(";")}"`;
      const args = `${flag} "${msi}"${mst} ${base}${extra} /L*V "${logFile}"`;
      return runProcess(call, "msiexec.exe", args, {
        successCodes: numbers(call.named.get("successexitcodes"), [0, 1707]),
        ignore: numbers(call.named.get("ignoreexitcodes"), []),
        component: version === 4 ? "Start-ADTMsiProcess" : "Execute-MSI",
      });
    },
  };
}

function process_(version: 3 | 4): Cmdlet {
  return {
    params: [
      "FilePath",
      "Path",
      "ArgumentList",
      "Parameters",
      "WindowStyle",
      "WorkingDirectory",
      "SuccessExitCodes",
      "IgnoreExitCodes",
      "PriorityClass",
      "WaitForMsiExec",
      "MsiExecWaitTime",
    ],
    switches: [
      "PassThru",
      "NoWait",
      "CreateNoWindow",
      "ContinueOnError",
      "SecureArgumentList",
      "SecureParameters",
      "UseShellExecute",
      "NoExitOnProcessFailure",
    ],
    positional: ["FilePath", "ArgumentList"],
    aliases: { Path: "FilePath", Parameters: "ArgumentList" },
    run(call) {
      const file = filesPath(call, toText(call.named.get("filepath") ?? null));
      const exists = call.ps.stat(file) !== undefined;
      return runProcess(
        call,
        exists ? file : toText(call.named.get("filepath") ?? null),
        enumerate(call.named.get("argumentlist") ?? null)
          .map(toText)
          .join(" "),
        {
          successCodes: numbers(call.named.get("successexitcodes"), [0]),
          ignore:
            toText(call.named.get("ignoreexitcodes") ?? "") === "*"
              ? []
              : numbers(call.named.get("ignoreexitcodes"), []),
          component: version === 4 ? "Start-ADTProcess" : "Execute-Process",
        },
      );
    },
  };
}

/** Runs one of PowerShell's own cmdlets on behalf of a toolkit function. */
function delegate(
  call: CmdletCall,
  cmdlet: string,
  named: Record<string, PsValue>,
): PsValue[] | Promise<PsValue[]> {
  const target = call.ps.cmdlets.get(cmdlet);
  if (target === undefined)
    throw new ImesimError("PS_NOT_MODELLED", `line ${call.line}: \`${cmdlet}\` is not modelled`);
  const result = target.run({
    ...call,
    named: new Map(Object.entries(named).map(([k, v]) => [k.toLowerCase(), v])),
    input: [],
    rest: [],
  });
  if (Array.isArray(result) || result instanceof Promise) return result;
  throw new ImesimError(
    "PS_NOT_MODELLED",
    `line ${call.line}: \`${cmdlet}\` from a toolkit function is not modelled`,
  );
}

const copyFile: Cmdlet = {
  params: ["Path", "LiteralPath", "Destination", "FileCopyMode"],
  switches: ["Recurse", "Flatten", "ContinueOnError", "ContinueFileCopyOnError", "UseRobocopy"],
  positional: ["Path", "Destination"],
  run(call) {
    const sources = enumerate(call.named.get("path") ?? call.named.get("literalpath") ?? null).map((p) =>
      filesPath(call, toText(p)),
    );
    const destination = toText(call.named.get("destination") ?? null);
    call.ps.createFolder(destination.replace(/\\[^\\]*\.[^\\]*$/, "") || destination);
    log(
      call.ps,
      active(call),
      `Copying file(s) [${sources.join(", ")}] to [${destination}].`,
      1,
      "Copy-ADTFile",
    );
    return delegate(call, "copy-item", {
      Path: sources,
      Destination: destination,
      Recurse: call.named.get("recurse") === true,
      Force: true,
    });
  },
};

const removeFile: Cmdlet = {
  params: ["Path", "LiteralPath"],
  switches: ["Recurse", "ContinueOnError"],
  positional: ["Path"],
  run(call) {
    const paths = enumerate(call.named.get("path") ?? call.named.get("literalpath") ?? null).map(toText);
    const existing = paths.filter((p) => call.ps.stat(p) !== undefined);
    log(call.ps, active(call), `Deleting file(s) [${paths.join(", ")}].`, 1, "Remove-ADTFile");
    if (existing.length === 0) return [];
    return delegate(call, "remove-item", {
      Path: existing,
      Recurse: call.named.get("recurse") === true,
      Force: true,
    });
  },
};

const newFolder: Cmdlet = {
  params: ["LiteralPath", "Path"],
  switches: ["ContinueOnError"],
  positional: ["LiteralPath"],
  run(call) {
    const path = toText(call.named.get("literalpath") ?? call.named.get("path") ?? null);
    log(call.ps, active(call), `Creating folder [${path}].`, 1, "New-ADTFolder");
    call.ps.createFolder(path);
    return [];
  },
};

function registryKeyOf(call: CmdletCall, key: string): string {
  const wow = call.named.get("wow6432node") === true;
  const resolved = providerPath(
    call.ps,
    key.replace(/^(HKEY_[A-Z_]+|HK[A-Z]{1,2})\\/i, (_, hive: string) => `Registry::${hive}\\`),
  );
  if (resolved.provider !== "Registry")
    throw new ImesimError("PS_NOT_MODELLED", `line ${call.line}: the registry key "${key}" is not modelled`);
  return wow
    ? resolved.key.replace(/^HKEY_LOCAL_MACHINE\\SOFTWARE\\/i, "HKEY_LOCAL_MACHINE\\SOFTWARE\\WOW6432Node\\")
    : resolved.key;
}

const REGISTRY_TYPES: Readonly<Record<string, string>> = {
  string: "REG_SZ",
  expandstring: "REG_EXPAND_SZ",
  dword: "REG_DWORD",
  qword: "REG_QWORD",
  multistring: "REG_MULTI_SZ",
  binary: "REG_BINARY",
};

const setRegistryKey: Cmdlet = {
  params: ["Key", "LiteralPath", "Name", "Value", "Type", "SID", "RegistryKind"],
  switches: ["Wow6432Node", "ContinueOnError", "MultiStringValueMode"],
  positional: ["Key", "Name", "Value"],
  aliases: { LiteralPath: "Key", RegistryKind: "Type" },
  run(call) {
    const key = registryKeyOf(call, toText(call.named.get("key") ?? null));
    const access = call.ps.registryAccess();
    call.ps.host.registry.createKey(key, access);
    log(
      call.ps,
      active(call),
      `Setting registry key [${key}] [${toText(call.named.get("name") ?? "")}].`,
      1,
      "Set-ADTRegistryKey",
    );
    if (!call.named.has("name")) return [];
    const type = REGISTRY_TYPES[toText(call.named.get("type") ?? "String").toLowerCase()] ?? "REG_SZ";
    const value = call.named.get("value") ?? null;
    const name = toText(call.named.get("name")!);
    switch (type) {
      case "REG_DWORD":
        call.ps.host.registry.setValue(
          key,
          name,
          { type, data: (toNumberOrUndefined(value) ?? 0) >>> 0 },
          access,
        );
        break;
      case "REG_QWORD":
        call.ps.host.registry.setValue(
          key,
          name,
          { type, data: BigInt(Math.trunc(toNumberOrUndefined(value) ?? 0)) },
          access,
        );
        break;
      case "REG_MULTI_SZ":
        call.ps.host.registry.setValue(key, name, { type, data: enumerate(value).map(toText) }, access);
        break;
      case "REG_BINARY":
        call.ps.host.registry.setValue(
          key,
          name,
          { type, data: Uint8Array.from(enumerate(value).map((b) => toNumberOrUndefined(b) ?? 0)) },
          access,
        );
        break;
      default:
        call.ps.host.registry.setValue(
          key,
          name,
          { type: type as "REG_SZ" | "REG_EXPAND_SZ", data: toText(value) },
          access,
        );
    }
    return [];
  },
};

const removeRegistryKey: Cmdlet = {
  params: ["Key", "LiteralPath", "Name", "SID"],
  switches: ["Recurse", "Wow6432Node", "ContinueOnError"],
  positional: ["Key", "Name"],
  aliases: { LiteralPath: "Key" },
  run(call) {
    const key = registryKeyOf(call, toText(call.named.get("key") ?? null));
    const access = call.ps.registryAccess();
    log(
      call.ps,
      active(call),
      `Deleting registry key [${key}] [${toText(call.named.get("name") ?? "")}].`,
      1,
      "Remove-ADTRegistryKey",
    );
    if (call.named.has("name"))
      call.ps.host.registry.deleteValue(key, toText(call.named.get("name")!), access);
    else call.ps.host.registry.deleteKey(key, access);
    return [];
  },
};

const UNINSTALL = "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall";

/** The applications in both uninstall views whose name (or product code) matches. */
function installedApplications(call: CmdletCall): PsObject[] {
  const ps = call.ps;
  const names = enumerate(call.named.get("name") ?? null).map(toText);
  const codes = enumerate(call.named.get("productcode") ?? null).map((c) => toText(c).toLowerCase());
  const mode = toText(
    call.named.get("namematch") ??
      (call.named.get("exact") === true
        ? "Exact"
        : call.named.get("wildcard") === true
          ? "Wildcard"
          : "Contains"),
  ).toLowerCase();
  const matches = (display: string) =>
    names.length === 0 ||
    names.some((n) =>
      mode === "exact"
        ? display.toLowerCase() === n.toLowerCase()
        : mode === "wildcard"
          ? wildcardRegExp(n).test(display)
          : mode === "regex"
            ? new RegExp(n, "i").test(display)
            : display.toLowerCase().includes(n.toLowerCase()),
    );
  const out: PsObject[] = [];
  for (const view of [64, 32] as const) {
    for (const sub of ps.host.registry.listSubkeys(UNINSTALL, { view })) {
      const key = `${UNINSTALL}\\${sub}`;
      const value = (name: string) => {
        const v = ps.host.registry.getValue(key, name, { view });
        return v === undefined ? null : registryData(v, (t) => t);
      };
      const display = toText(value("DisplayName"));
      if (display === "") continue;
      const isCode = /^\{[0-9A-F-]{36}\}$/i.test(sub);
      if (codes.length > 0 ? !codes.includes(sub.toLowerCase()) : !matches(display)) continue;
      out.push(
        new PsObject(["PSADT.Types.InstalledApplication"], {
          DisplayName: display,
          DisplayVersion: value("DisplayVersion"),
          Publisher: value("Publisher"),
          ProductCode: isCode ? sub : null,
          UninstallString: value("UninstallString"),
          QuietUninstallString: value("QuietUninstallString"),
          InstallLocation: value("InstallLocation"),
          WindowsInstaller: value("WindowsInstaller") === 1,
          Is64BitApplication: view === 64 && ps.is64BitOs,
          PSPath: `Microsoft.PowerShell.Core\\Registry::${key.replace(/^HKLM/, "HKEY_LOCAL_MACHINE")}`,
        }),
      );
    }
  }
  return out;
}

const getApplication: Cmdlet = {
  params: ["Name", "NameMatch", "ProductCode", "ApplicationType", "FilterScript"],
  switches: ["IncludeUpdatesAndHotfixes", "Exact", "WildCard", "RegEx"],
  positional: ["Name"],
  run(call) {
    const found = installedApplications(call);
    log(
      call.ps,
      active(call),
      `Found ${found.length} application(s) matching [${enumerate(call.named.get("name") ?? null)
        .map(toText)
        .join(", ")}].`,
      1,
      "Get-ADTApplication",
    );
    return found;
  },
};

function uninstallApplication(version: 3 | 4): Cmdlet {
  return {
    params: [
      "Name",
      "NameMatch",
      "ProductCode",
      "InstalledApplication",
      "ArgumentList",
      "AdditionalArgumentList",
      "ApplicationType",
      "FilterScript",
    ],
    switches: ["Exact", "WildCard", "RegEx", "PassThru", "ContinueOnError"],
    positional: ["Name"],
    run(call) {
      const apps = installedApplications(call).filter((a) => a.get("ProductCode") !== null);
      let chain: PsValue[] | Promise<PsValue[]> = [];
      for (const app of apps) {
        chain = after(chain, () =>
          runProcess(
            call,
            "msiexec.exe",
            `/x "${toText(app.get("ProductCode") ?? null)}" REBOOT=ReallySuppress /QN`,
            {
              successCodes: [0, 1605],
              ignore: [],
              component: version === 4 ? "Uninstall-ADTApplication" : "Remove-MSIApplications",
            },
          ),
        );
      }
      return after(chain, () => [] as PsValue[]);
    },
  };
}

/** Dialogs: nobody can answer them in session 0, so the toolkit bypasses them and logs why. */
function dialog(name: string): Cmdlet {
  return {
    acceptsAny: true,
    run(call) {
      log(call.ps, active(call), `Bypassing ${name} [Mode: NonInteractive].`, 1, name);
      return [];
    },
  };
}

const writeLogEntry: Cmdlet = {
  params: [
    "Message",
    "Text",
    "Severity",
    "Source",
    "ScriptSection",
    "LogType",
    "LogFileDirectory",
    "LogFileName",
  ],
  switches: ["WriteHost", "PassThru", "DebugMessage"],
  positional: ["Message", "Severity", "Source"],
  aliases: { Text: "Message" },
  run(call) {
    const severity = toNumberOrUndefined(call.named.get("severity") ?? 1) ?? 1;
    for (const message of enumerate(call.named.get("message") ?? call.input[0] ?? null)) {
      log(
        call.ps,
        active(call),
        toText(message),
        severity,
        toText(call.named.get("source") ?? "Write-ADTLogEntry"),
      );
    }
    return [];
  },
};

const resolveErrorRecord: Cmdlet = {
  params: ["ErrorRecord", "Property"],
  switches: [
    "ExcludeErrorRecord",
    "ExcludeErrorInvocation",
    "ExcludeErrorException",
    "ExcludeErrorInnerException",
    "IncludeErrorInnerException",
  ],
  positional: ["ErrorRecord"],
  run(call) {
    const record = call.named.get("errorrecord") ?? call.input[0] ?? call.ps.errors[0] ?? null;
    return [`Error Record:\r\n-------------\r\n\r\nMessage : ${toText(record)}`];
  },
};

const openAdtSession: Cmdlet = {
  acceptsAny: true,
  run(call) {
    const s = openSession(call.ps, 4, call.named);
    return call.named.get("passthru") === true ? [s.object] : [];
  },
};

const closeSession = (version: 3 | 4): Cmdlet => ({
  params: ["ExitCode"],
  switches: ["Force"],
  positional: ["ExitCode"],
  run(call) {
    const s = active(call);
    const given = call.named.get("exitcode");
    const code = given === undefined || given === null ? s.exitCode : (toNumberOrUndefined(given) ?? 0);
    log(
      call.ps,
      s,
      `[${toText(s.object.get("InstallName") ?? "")}] ${code === 0 || code === 3010 ? "completed" : "failed"} with exit code [${code}].`,
      code === 0 ? 1 : code === 3010 ? 2 : 3,
      version === 4 ? "Close-ADTSession" : "Exit-Script",
    );
    throw new FlowSignal("exit", code);
  },
});

const boundParameters: Cmdlet = {
  params: ["Invocation", "HashtableType"],
  positional: ["Invocation"],
  run(call) {
    const table = new PsHashtable();
    for (const name of [
      "DeploymentType",
      "DeployMode",
      "SuppressRebootPassThru",
      "TerminalServerMode",
      "DisableLogging",
    ]) {
      const value = call.ps.variable(name);
      if (value !== null) table.set(name, value);
    }
    return [table];
  },
};

/** Import-Module: the bundled toolkit is recognised (its functions are modelled); other modules are not modelled. */
const importModule: Cmdlet = {
  params: [
    "Name",
    "FullyQualifiedName",
    "MinimumVersion",
    "RequiredVersion",
    "Prefix",
    "Scope",
    "ArgumentList",
    "Function",
    "Cmdlet",
    "Variable",
    "Alias",
  ],
  switches: ["Force", "Global", "PassThru", "DisableNameChecking", "NoClobber", "AsCustomObject"],
  positional: ["Name"],
  run(call) {
    const given = call.named.get("fullyqualifiedname") ?? call.named.get("name") ?? null;
    const name =
      given instanceof PsHashtable ? toText(given.get("ModuleName")) : enumerate(given).map(toText).join(",");
    if (/PSAppDeployToolkit|AppDeployToolkit/i.test(name)) return [];
    throw new ImesimError("PS_NOT_MODELLED", `line ${call.line}: \`Import-Module ${name}\` is not modelled`);
  },
};

const removeModule: Cmdlet = { acceptsAny: true, run: () => [] };

/** v3: dot-sourcing AppDeployToolkitMain.ps1 defines the toolkit's variables and opens the session. */
function loadToolkitV3(ps: PsProcess): void {
  const root = toText(ps.variable("PSScriptRoot"));
  const env = (name: string) => ps.environment.get(name) ?? "";
  const variables: Record<string, PsValue> = {
    scriptDirectory: root,
    dirFiles: `${root}\\Files`,
    dirSupportFiles: `${root}\\SupportFiles`,
    envProgramFiles: env("ProgramFiles"),
    envProgramFilesX86: env("ProgramFiles(x86)"),
    envProgramData: env("ProgramData"),
    envWinDir: env("windir"),
    envSystemRoot: env("SystemRoot"),
    envSystemDrive: env("SystemDrive"),
    envTemp: env("TEMP"),
    envCommonProgramFiles: env("CommonProgramFiles"),
    is64Bit: ps.is64BitOs,
    is64BitProcess: ps.is64BitProcess,
    appDeployToolkitName: "PSAppDeployToolkit",
    configToolkitLogDir: LOG_FOLDER,
  };
  for (const [name, value] of Object.entries(variables)) ps.setVariable(`script:${name}`, value);
  openSession(ps, 3, new Map());
}

/** Dot-sourcing the v3 toolkit (`. "$PSScriptRoot\AppDeployToolkit\AppDeployToolkitMain.ps1"`). */
const toolkitV3: Cmdlet = {
  run(call) {
    loadToolkitV3(call.ps);
    return [];
  },
};

/** The toolkit's functions by lower-case name, v4 and v3. */
export const PSADT_CMDLETS: ReadonlyArray<readonly [string, Cmdlet]> = [
  ["&appdeploytoolkitmain.ps1", toolkitV3],
  ["import-module", importModule],
  ["remove-module", removeModule],
  ["get-adtboundparametersanddefaultvalues", boundParameters],
  ["open-adtsession", openAdtSession],
  ["close-adtsession", closeSession(4)],
  ["write-adtlogentry", writeLogEntry],
  ["resolve-adterrorrecord", resolveErrorRecord],
  ["start-adtmsiprocess", msiProcess(4)],
  ["start-adtprocess", process_(4)],
  ["copy-adtfile", copyFile],
  ["remove-adtfile", removeFile],
  ["new-adtfolder", newFolder],
  ["set-adtregistrykey", setRegistryKey],
  ["remove-adtregistrykey", removeRegistryKey],
  ["get-adtapplication", getApplication],
  ["uninstall-adtapplication", uninstallApplication(4)],
  ["show-adtinstallationwelcome", dialog("Show-ADTInstallationWelcome")],
  ["show-adtinstallationprogress", dialog("Show-ADTInstallationProgress")],
  ["close-adtinstallationprogress", dialog("Close-ADTInstallationProgress")],
  ["show-adtinstallationprompt", dialog("Show-ADTInstallationPrompt")],
  ["show-adtinstallationrestartprompt", dialog("Show-ADTInstallationRestartPrompt")],
  ["show-adtdialogbox", dialog("Show-ADTDialogBox")],
  ["show-adtballoontip", dialog("Show-ADTBalloonTip")],
  // v3 names.
  ["execute-msi", msiProcess(3)],
  ["execute-process", process_(3)],
  ["copy-file", copyFile],
  ["remove-file", removeFile],
  ["new-folder", newFolder],
  ["set-registrykey", setRegistryKey],
  ["remove-registrykey", removeRegistryKey],
  ["get-installedapplication", getApplication],
  ["remove-msiapplications", uninstallApplication(3)],
  ["exit-script", closeSession(3)],
  ["write-log", writeLogEntry],
  ["resolve-error", resolveErrorRecord],
  ["show-installationwelcome", dialog("Show-InstallationWelcome")],
  ["show-installationprogress", dialog("Show-InstallationProgress")],
  ["close-installationprogress", dialog("Close-InstallationProgress")],
  ["show-installationprompt", dialog("Show-InstallationPrompt")],
  ["show-installationrestartprompt", dialog("Show-InstallationRestartPrompt")],
  ["show-dialogbox", dialog("Show-DialogBox")],
  ["show-balloontip", dialog("Show-BalloonTip")],
];
