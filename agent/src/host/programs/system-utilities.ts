// Windows utilities install scripts start, modelled with their usual output and exit codes: whoami,
// icacls/takeown (ACL changes recorded on the device), schtasks (task definitions stored where the Task
// Scheduler keeps them, System32\Tasks), sc (services in the registry, as Get-Service reads them) and
// certutil -hashfile. Options beyond these common forms answer as the real tools do to bad syntax.
import { createHash } from "node:crypto";
import type { CallerProcess, ProgramInvocation, ProgramResult } from "../process/program.ts";
import { findService, SERVICES_KEY, setServiceRunning, setServiceStart } from "../process/services.ts";
import { parentPath } from "../process/windows-path.ts";

// Where ACL edits are recorded (our choice: the virtual file system has no security descriptors).
const ACL_KEY = "HKLM\\SOFTWARE\\imesim\\Acl";

function accountName(caller: CallerProcess): string {
  if (caller.context.account === "system") return "nt authority\\system";
  return `${caller.environment.get("USERDOMAIN") ?? "azuread"}\\${caller.environment.get("USERNAME") ?? "user"}`.toLowerCase();
}

/** `whoami`: the account the process runs as (SYSTEM for the IME's system-context installs). */
export function runWhoami(invocation: ProgramInvocation, caller: CallerProcess): ProgramResult {
  const option = invocation.argv[0]?.toLowerCase();
  if (option === undefined) return { exitCode: 0, stdout: `${accountName(caller)}\r\n` };
  if (option === "/user") {
    const sid = caller.context.account === "system" ? "S-1-5-18" : (caller.context.userSid ?? "");
    return {
      exitCode: 0,
      stdout: `\r\nUSER INFORMATION\r\n----------------\r\n\r\nUser Name           SID\r\n=================== ========\r\n${accountName(caller)} ${sid}\r\n`,
    };
  }
  return {
    exitCode: 1,
    stderr: `ERROR: Invalid argument/option - '${invocation.argv[0]}'.\r\nType "WHOAMI /?" for usage.\r\n`,
  };
}

/** `icacls <path> /grant[:r] "User":F …`, `/reset`, `/inheritance:…`: recorded per path; a missing path fails. */
export function runIcacls(invocation: ProgramInvocation, caller: CallerProcess): ProgramResult {
  const [target, ...options] = invocation.argv;
  if (target === undefined) return { exitCode: 87, stderr: "No parameters were specified.\r\n" };
  const path = caller.fullPath(target);
  if (caller.stat(path) === undefined) {
    return {
      exitCode: 2,
      stdout: "Successfully processed 0 files; Failed processing 1 files\r\n",
      stderr: `${target}: The system cannot find the file specified.\r\n`,
    };
  }
  if (options.length === 0) {
    const recorded = caller.host.registry.getValue(ACL_KEY, path);
    const entries = recorded?.type === "REG_MULTI_SZ" ? recorded.data : [];
    const lines = [
      "NT AUTHORITY\\SYSTEM:(I)(OI)(CI)(F)",
      "BUILTIN\\Administrators:(I)(OI)(CI)(F)",
      ...entries,
    ];
    return {
      exitCode: 0,
      stdout: `${target} ${lines.join(`\r\n${" ".repeat(target.length + 1)}`)}\r\n\r\nSuccessfully processed 1 files; Failed processing 0 files\r\n`,
    };
  }
  const recorded = caller.host.registry.getValue(ACL_KEY, path);
  const entries = recorded?.type === "REG_MULTI_SZ" ? [...recorded.data] : [];
  entries.push(options.join(" "));
  caller.host.registry.setValue(ACL_KEY, path, { type: "REG_MULTI_SZ", data: entries });
  return {
    exitCode: 0,
    stdout: `processed file: ${path}\r\nSuccessfully processed 1 files; Failed processing 0 files\r\n`,
  };
}

/** `takeown /f <path> [/r /d y] [/a]`. */
export function runTakeown(invocation: ProgramInvocation, caller: CallerProcess): ProgramResult {
  const index = invocation.argv.findIndex((a) => a.toLowerCase() === "/f");
  const target = index >= 0 ? invocation.argv[index + 1] : undefined;
  if (target === undefined)
    return {
      exitCode: 1,
      stderr: "ERROR: Invalid syntax. Value expected for '/f'.\r\nType \"TAKEOWN /?\" for usage.\r\n",
    };
  const path = caller.fullPath(target);
  if (caller.stat(path) === undefined)
    return { exitCode: 1, stderr: "ERROR: The system cannot find the file specified.\r\n" };
  const owner = invocation.argv.some((a) => a.toLowerCase() === "/a")
    ? "Administrators"
    : accountName(caller).toUpperCase();
  return {
    exitCode: 0,
    stdout: `\r\nSUCCESS: The file (or folder): "${path}" now owned by user "${owner}".\r\n`,
  };
}

function option(argv: readonly string[], name: string): string | undefined {
  const index = argv.findIndex((a) => a.toLowerCase() === name);
  return index >= 0 ? argv[index + 1] : undefined;
}

const schtasksError = (message: string): ProgramResult => ({ exitCode: 1, stderr: `ERROR: ${message}\r\n` });

/** `schtasks /Create /TN … (/XML file | /TR … /SC …) [/F]`, `/Delete`, `/Query`, `/Run`, `/Change`, `/End`. */
export function runSchtasks(invocation: ProgramInvocation, caller: CallerProcess): ProgramResult {
  const argv = invocation.argv;
  const verb = argv[0]?.toLowerCase();
  const name = option(argv, "/tn");
  const windows = caller.environment.get("SystemRoot") ?? "C:\\Windows";
  // The Task Scheduler service (64-bit) keeps definitions here, whatever the caller's bitness.
  const file = name === undefined ? undefined : `${windows}\\System32\\Tasks\\${name.replace(/^\\+/, "")}`;
  const exists = file !== undefined && caller.host.fs.stat(file)?.kind === "file";
  const force = argv.some((a) => a.toLowerCase() === "/f");
  switch (verb) {
    case "/create": {
      if (file === undefined) return schtasksError("Invalid syntax. Mandatory option '/tn' is missing.");
      if (exists && !force) return schtasksError(`Cannot create a file when that file already exists.`);
      const xml = option(argv, "/xml");
      let definition: Uint8Array | string;
      if (xml !== undefined) {
        const source = caller.fullPath(xml);
        if (caller.stat(source)?.kind !== "file")
          return schtasksError("The system cannot find the file specified.");
        definition = caller.host.fs.readFile(caller.devicePath(source));
      } else {
        const run = option(argv, "/tr");
        const schedule = option(argv, "/sc");
        if (run === undefined || schedule === undefined)
          return schtasksError("Invalid syntax. Mandatory option '/sc' is missing.");
        definition = `<?xml version="1.0" encoding="UTF-16"?>\r\n<Task version="1.2" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">\r\n  <Triggers><!-- /SC ${schedule} --></Triggers>\r\n  <Principals><Principal id="Author"><UserId>${option(argv, "/ru") ?? "SYSTEM"}</UserId></Principal></Principals>\r\n  <Actions Context="Author"><Exec><Command>${run}</Command></Exec></Actions>\r\n</Task>\r\n`;
      }
      caller.host.fs.writeFile(file, definition);
      return {
        exitCode: 0,
        stdout: `SUCCESS: The scheduled task "${name}" has successfully been created.\r\n`,
      };
    }
    case "/delete":
      if (!exists) return schtasksError("The system cannot find the file specified.");
      caller.host.fs.remove(file);
      return { exitCode: 0, stdout: `SUCCESS: The scheduled task "${name}" was successfully deleted.\r\n` };
    case "/query":
      if (name === undefined)
        return {
          exitCode: 0,
          stdout:
            "\r\nFolder: \\\r\nTaskName                                 Next Run Time          Status\r\n",
        };
      if (!exists) return schtasksError("The system cannot find the file specified.");
      return {
        exitCode: 0,
        stdout: `\r\nFolder: ${parentPath(`\\${name}`) || "\\"}\r\nTaskName                                 Next Run Time          Status\r\n======================================== ====================== ===============\r\n${name.padEnd(40)} N/A                    Ready\r\n`,
      };
    case "/run":
      if (!exists) return schtasksError("The system cannot find the file specified.");
      // The task is not run by imesim (our choice): its action would happen outside the install.
      return { exitCode: 0, stdout: `SUCCESS: Attempted to run the scheduled task "${name}".\r\n` };
    case "/end":
    case "/change":
      if (!exists) return schtasksError("The system cannot find the file specified.");
      return {
        exitCode: 0,
        stdout: `SUCCESS: The parameters of scheduled task "${name}" have been changed.\r\n`,
      };
    default:
      return schtasksError(`Invalid argument/option - '${argv[0] ?? ""}'.\r\nType "SCHTASKS /?" for usage.`);
  }
}

const SC_START_TYPES: Readonly<Record<string, number>> = {
  boot: 0,
  system: 1,
  auto: 2,
  demand: 3,
  disabled: 4,
  "delayed-auto": 2,
};

/** sc's `name= value` pairs (the space after `=` is part of its syntax). */
function scPairs(argv: readonly string[]): Map<string, string> {
  const pairs = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 1) {
    const m = /^([a-z]+)=(.*)$/i.exec(argv[i]!);
    if (m === null) continue;
    pairs.set(m[1]!.toLowerCase(), m[2] !== "" ? m[2]! : (argv[i + 1] ?? ""));
    if (m[2] === "") i += 1;
  }
  return pairs;
}

const NO_SERVICE = (verb: string): ProgramResult => ({
  exitCode: 1060,
  stdout: `[SC] ${verb} FAILED 1060:\r\n\r\nThe specified service does not exist as an installed service.\r\n\r\n`,
});

/** `sc create|config|start|stop|query|delete|description <name> …` over the registry's Services keys. */
export function runSc(invocation: ProgramInvocation, caller: CallerProcess): ProgramResult {
  const [verbRaw, name, ...rest] = invocation.argv;
  const verb = verbRaw?.toLowerCase();
  if (verb === undefined || name === undefined)
    return {
      exitCode: 1639,
      stdout:
        "DESCRIPTION:\r\n        SC is a command line program used for communicating with the\r\n        Service Control Manager and services.\r\n",
    };
  const key = `${SERVICES_KEY}\\${name}`;
  const registry = caller.host.registry;
  const service = findService(registry, name);
  const exists = service !== undefined && service.name.toLowerCase() === name.toLowerCase();
  const pairs = scPairs(rest);
  const setPairs = () => {
    const start = pairs.get("start");
    if (start !== undefined) setServiceStart(registry, name, SC_START_TYPES[start.toLowerCase()] ?? 3);
    const bin = pairs.get("binpath");
    if (bin !== undefined)
      registry.setValue(key, "ImagePath", { type: "REG_EXPAND_SZ", data: bin }, { view: 64 });
    const display = pairs.get("displayname");
    if (display !== undefined)
      registry.setValue(key, "DisplayName", { type: "REG_SZ", data: display }, { view: 64 });
  };
  switch (verb) {
    case "create":
      if (exists)
        return {
          exitCode: 1073,
          stdout: "[SC] CreateService FAILED 1073:\r\n\r\nThe specified service already exists.\r\n\r\n",
        };
      if (!pairs.has("binpath"))
        return { exitCode: 1639, stdout: "[SC] CreateService: binPath= is required\r\n" };
      setServiceStart(registry, name, 3);
      registry.setValue(key, "Type", { type: "REG_DWORD", data: 16 }, { view: 64 });
      registry.setValue(
        key,
        "ObjectName",
        { type: "REG_SZ", data: pairs.get("obj") ?? "LocalSystem" },
        { view: 64 },
      );
      setPairs();
      return { exitCode: 0, stdout: "[SC] CreateService SUCCESS\r\n" };
    case "config":
      if (!exists) return NO_SERVICE("OpenService");
      setPairs();
      return { exitCode: 0, stdout: "[SC] ChangeServiceConfig SUCCESS\r\n" };
    case "description":
      if (!exists) return NO_SERVICE("OpenService");
      registry.setValue(key, "Description", { type: "REG_SZ", data: rest.join(" ") }, { view: 64 });
      return { exitCode: 0, stdout: "[SC] ChangeServiceConfig2 SUCCESS\r\n" };
    case "delete":
      if (!exists) return NO_SERVICE("OpenService");
      registry.deleteKey(key, { view: 64 });
      return { exitCode: 0, stdout: "[SC] DeleteService SUCCESS\r\n" };
    case "start":
    case "stop": {
      if (!exists) return NO_SERVICE("OpenService");
      const running = service?.running === true;
      if (verb === "start" && running)
        return {
          exitCode: 1056,
          stdout:
            "[SC] StartService FAILED 1056:\r\n\r\nAn instance of the service is already running.\r\n\r\n",
        };
      if (verb === "stop" && !running)
        return {
          exitCode: 1062,
          stdout: "[SC] ControlService FAILED 1062:\r\n\r\nThe service has not been started.\r\n\r\n",
        };
      setServiceRunning(registry, name, verb === "start");
      return {
        exitCode: 0,
        stdout: `\r\nSERVICE_NAME: ${name}\r\n        STATE              : ${verb === "start" ? "2  START_PENDING" : "3  STOP_PENDING"}\r\n`,
      };
    }
    case "query": {
      if (!exists) return NO_SERVICE("EnumQueryServicesStatus:OpenService");
      const running = service?.running === true;
      return {
        exitCode: 0,
        stdout: `\r\nSERVICE_NAME: ${name}\r\n        TYPE               : 10  WIN32_OWN_PROCESS\r\n        STATE              : ${running ? "4  RUNNING" : "1  STOPPED"}\r\n`,
      };
    }
    default:
      return { exitCode: 1639, stdout: `[SC] ${verbRaw}: unknown command\r\n` };
  }
}

/** `certutil -hashfile <file> [MD5|SHA1|SHA256|SHA512]` (SHA1 by default). */
export function runCertutil(invocation: ProgramInvocation, caller: CallerProcess): ProgramResult {
  const [verb, file, algorithm = "SHA1"] = invocation.argv;
  if (verb?.toLowerCase() !== "-hashfile" || file === undefined) {
    return {
      exitCode: -2147024809,
      stdout: `CertUtil: -${(verb ?? "").replace(/^-/, "")} command FAILED: 0x80070057 (WIN32: 87 ERROR_INVALID_PARAMETER)\r\nCertUtil: The parameter is incorrect.\r\n`,
    };
  }
  const path = caller.fullPath(file);
  if (caller.stat(path)?.kind !== "file") {
    return {
      exitCode: -2147024894,
      stdout: `CertUtil: -hashfile command FAILED: 0x80070002 (WIN32: 2 ERROR_FILE_NOT_FOUND)\r\nCertUtil: The system cannot find the file specified.\r\n`,
    };
  }
  const name = algorithm.toLowerCase();
  if (!["md5", "sha1", "sha256", "sha384", "sha512"].includes(name)) {
    return {
      exitCode: -2146893816,
      stdout:
        "CertUtil: -hashfile command FAILED: 0x80090008 (-2146893816 NTE_BAD_ALGID)\r\nCertUtil: Invalid algorithm specified.\r\n",
    };
  }
  const digest = createHash(name)
    .update(caller.host.fs.readFile(caller.devicePath(path)))
    .digest("hex");
  return {
    exitCode: 0,
    stdout: `${algorithm.toUpperCase()} hash of ${file}:\r\n${digest}\r\nCertUtil: -hashfile command completed successfully.\r\n`,
  };
}
