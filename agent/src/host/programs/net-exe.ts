// `net.exe` as install scripts use it: `net user`, `net localgroup <group> <member> /add|/delete`,
// `net start|stop <service>` and a minimal `net use`. Exit codes are net's: 0 when the command completed,
// 2 for every failure ("System error N has occurred." with the Win32 error's text, or a NET HELPMSG hint),
// 1 for bad syntax. Services are the device's (services.ts, shared with sc and Get-Service); accounts are
// the built-in local ones, the device's users (its ProfileList) and those `net user /add` creates; group
// membership is recorded under imesim's own key (the SAM database is not modelled).
import type { CallerProcess, ProgramInvocation, ProgramResult } from "../process/program.ts";
import { findService, listServices, setServiceRunning } from "../process/services.ts";
import type { Registry } from "../types.ts";

const VIEW = { view: 64 } as const;
// Where `net user /add` and group edits are recorded (our choice, like the ACLs icacls records).
const USERS_KEY = "HKLM\\SOFTWARE\\imesim\\LocalUsers";
const GROUPS_KEY = "HKLM\\SOFTWARE\\imesim\\LocalGroups";
const PROFILE_LIST = "HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\ProfileList";

const BUILTIN_USERS = ["Administrator", "DefaultAccount", "Guest", "WDAGUtilityAccount"];
/** A fresh Windows client's local groups and their default members. */
const BUILTIN_GROUPS: Readonly<Record<string, readonly string[]>> = {
  Administrators: ["Administrator"],
  "Backup Operators": [],
  "Device Owners": [],
  "Event Log Readers": [],
  Guests: ["Guest"],
  "Hyper-V Administrators": [],
  "Network Configuration Operators": [],
  "Performance Log Users": [],
  "Power Users": [],
  "Remote Desktop Users": [],
  Users: ["NT AUTHORITY\\Authenticated Users", "NT AUTHORITY\\INTERACTIVE"],
};

const OK = "The command completed successfully.\r\n\r\n";
const systemError = (code: number, text: string): ProgramResult => ({
  exitCode: 2,
  stderr: `System error ${code} has occurred.\r\n\r\n${text}\r\n\r\n`,
});
const helpMsg = (text: string, code: number): ProgramResult => ({
  exitCode: 2,
  stderr: `${text}\r\n\r\nMore help is available by typing NET HELPMSG ${code}.\r\n\r\n`,
});
const syntax = (verb: string): ProgramResult => ({
  exitCode: 1,
  stderr: `The syntax of this command is:\r\n\r\nNET ${verb.toUpperCase()}\r\n\r\n`,
});

/** The local accounts: built-in, the device's profiles (user folders), and those added by `net user /add`. */
function localUsers(registry: Registry): string[] {
  const added = registry.listSubkeys(USERS_KEY, VIEW);
  const profiles = registry
    .listSubkeys(PROFILE_LIST, VIEW)
    .filter((sid) => /^S-1-5-21-/.test(sid))
    .map((sid) => registry.getValue(`${PROFILE_LIST}\\${sid}`, "ProfileImagePath", VIEW))
    .map((v) => (v?.type === "REG_SZ" || v?.type === "REG_EXPAND_SZ" ? v.data.replace(/^.*\\/, "") : ""))
    .filter((n) => n !== "");
  return [...BUILTIN_USERS, ...profiles, ...added];
}

const findUser = (registry: Registry, name: string) =>
  localUsers(registry).find((u) => u.toLowerCase() === name.toLowerCase());

function groupNames(registry: Registry): string[] {
  const extra = registry.listSubkeys(GROUPS_KEY, VIEW).filter((g) => !(g in BUILTIN_GROUPS));
  return [...Object.keys(BUILTIN_GROUPS), ...extra];
}

function members(registry: Registry, group: string): string[] {
  const recorded = registry.getValue(`${GROUPS_KEY}\\${group}`, "Members", VIEW);
  return recorded?.type === "REG_MULTI_SZ" ? [...recorded.data] : [...(BUILTIN_GROUPS[group] ?? [])];
}

function setMembers(registry: Registry, group: string, list: readonly string[]): void {
  registry.setValue(`${GROUPS_KEY}\\${group}`, "Members", { type: "REG_MULTI_SZ", data: [...list] }, VIEW);
}

/** Whether a member name resolves to an account: a local one, or a domain/Entra/NT AUTHORITY name. */
function resolves(registry: Registry, member: string): boolean {
  return member.includes("\\") || member.includes("@") || findUser(registry, member) !== undefined;
}

const table = (title: string, names: readonly string[], computer: string) =>
  `\r\n${title} \\\\${computer}\r\n\r\n${"-".repeat(79)}\r\n${names.join("\r\n")}${names.length > 0 ? "\r\n" : ""}${OK}`;

function netUser(args: readonly string[], switches: readonly string[], caller: CallerProcess): ProgramResult {
  const registry = caller.host.registry;
  const computer = caller.environment.get("COMPUTERNAME") ?? "DESKTOP-IMESIM";
  const [name] = args;
  if (name === undefined)
    return { exitCode: 0, stdout: table("User accounts for", localUsers(registry), computer) };
  const existing = findUser(registry, name);
  if (switches.includes("/add")) {
    if (existing !== undefined) return systemError(2224, "The account already exists.");
    registry.createKey(`${USERS_KEY}\\${name}`, VIEW);
    return { exitCode: 0, stdout: OK };
  }
  if (existing === undefined) return helpMsg("The user name could not be found.", 2221);
  if (switches.includes("/delete")) {
    if (BUILTIN_USERS.includes(existing))
      return systemError(1326, "Cannot perform this operation on built-in accounts.");
    registry.deleteKey(`${USERS_KEY}\\${existing}`, VIEW);
    return { exitCode: 0, stdout: OK };
  }
  if (args.length > 1 || switches.length > 0) return { exitCode: 0, stdout: OK };
  const groups = groupNames(registry).filter((g) =>
    members(registry, g).some((m) => m.toLowerCase() === existing.toLowerCase()),
  );
  return {
    exitCode: 0,
    stdout: `User name                    ${existing}\r\nAccount active               Yes\r\nLocal Group Memberships      ${groups.map((g) => `*${g}`).join(" ")}\r\n${OK}`,
  };
}

function netLocalGroup(
  args: readonly string[],
  switches: readonly string[],
  caller: CallerProcess,
): ProgramResult {
  const registry = caller.host.registry;
  const computer = caller.environment.get("COMPUTERNAME") ?? "DESKTOP-IMESIM";
  const [groupRaw, ...names] = args;
  if (groupRaw === undefined)
    return {
      exitCode: 0,
      stdout: table(
        "Aliases for",
        groupNames(registry).map((g) => `*${g}`),
        computer,
      ),
    };
  const group = groupNames(registry).find((g) => g.toLowerCase() === groupRaw.toLowerCase());
  if (names.length === 0 && switches.includes("/add")) {
    if (group !== undefined) return systemError(1379, "The specified local group already exists.");
    setMembers(registry, groupRaw, []);
    return { exitCode: 0, stdout: OK };
  }
  if (group === undefined) return systemError(1376, "The specified local group does not exist.");
  const current = members(registry, group);
  if (names.length === 0)
    return {
      exitCode: 0,
      stdout: `Alias name     ${group}\r\nComment\r\n\r\nMembers\r\n\r\n${"-".repeat(79)}\r\n${current.map((m) => `${m}\r\n`).join("")}${OK}`,
    };
  const adding = switches.includes("/add");
  if (!adding && !switches.includes("/delete")) return syntax("localgroup");
  const next = [...current];
  for (const member of names) {
    const at = next.findIndex((m) => m.toLowerCase() === member.toLowerCase());
    if (!resolves(registry, member))
      return systemError(1332, "No mapping between account names and security IDs was done.");
    if (adding && at >= 0)
      return systemError(1378, "The specified account name is already a member of the group.");
    if (!adding && at < 0)
      return systemError(1377, "The specified account name is not a member of the group.");
    if (adding) next.push(member);
    else next.splice(at, 1);
  }
  setMembers(registry, group, next);
  return { exitCode: 0, stdout: OK };
}

function netService(verb: "start" | "stop", args: readonly string[], caller: CallerProcess): ProgramResult {
  const registry = caller.host.registry;
  const name = args.join(" ");
  if (name === "") {
    if (verb === "stop") return syntax("stop");
    const running = listServices(registry).filter((s) => s.running);
    return {
      exitCode: 0,
      stdout: `These Windows services are started:\r\n\r\n${running.map((s) => `   ${s.displayName}\r\n`).join("")}\r\n${OK}`,
    };
  }
  const service = findService(registry, name);
  if (service === undefined) return helpMsg("The service name is invalid.", 2185);
  if (verb === "start" && service.running)
    return helpMsg("The requested service has already been started.", 2182);
  if (verb === "stop" && !service.running)
    return helpMsg(`The ${service.displayName} service is not started.`, 3521);
  if (verb === "start" && service.start === 4)
    return systemError(
      1058,
      "The service cannot be started, either because it is disabled or because it has no enabled devices associated with it.",
    );
  setServiceRunning(registry, service.name, verb === "start");
  const [doing, done] = verb === "start" ? ["starting", "started"] : ["stopping", "stopped"];
  return {
    exitCode: 0,
    stdout: `The ${service.displayName} service is ${doing}.\r\nThe ${service.displayName} service was ${done} successfully.\r\n\r\n`,
  };
}

/** `net use`: the virtual device has no network, so it lists no connections and cannot reach a share. */
function netUse(args: readonly string[], switches: readonly string[]): ProgramResult {
  if (args.length === 0)
    return {
      exitCode: 0,
      stdout: "New connections will be remembered.\r\n\r\nThere are no entries in the list.\r\n\r\n",
    };
  if (switches.includes("/delete") || switches.includes("/d"))
    return helpMsg("The network connection could not be found.", 2250);
  return systemError(53, "The network path was not found.");
}

/** `net <command> …`. */
export function runNet(invocation: ProgramInvocation, caller: CallerProcess): ProgramResult {
  const [commandRaw, ...rest] = invocation.argv;
  // Switches are `/add`, `/delete` (also abbreviated `/del`), `/y`; the rest are names.
  const switches = rest
    .filter((a) => a.startsWith("/"))
    .map((a) =>
      a
        .toLowerCase()
        .replace(/^\/del(ete)?$/, "/delete")
        .replace(/:.*$/, ""),
    );
  const args = rest.filter((a) => !a.startsWith("/"));
  switch (commandRaw?.toLowerCase()) {
    case "user":
    case "users":
      return netUser(args, switches, caller);
    case "localgroup":
      return netLocalGroup(args, switches, caller);
    case "start":
      return netService("start", args, caller);
    case "stop":
      return netService("stop", args, caller);
    case "use":
      return netUse(args, switches);
    default:
      return {
        exitCode: 1,
        stderr:
          "The syntax of this command is:\r\n\r\nNET\r\n    [ ACCOUNTS | COMPUTER | CONFIG | CONTINUE | FILE | GROUP | HELP |\r\n      HELPMSG | LOCALGROUP | PAUSE | SESSION | SHARE | START |\r\n      STATISTICS | STOP | TIME | USE | USER | VIEW ]\r\n\r\n",
      };
  }
}
