// The verbs of the control surface: what an admin does on a real device (ime.md §6 triggers, registry, logs),
// each checking its arguments and acting on one running agent. The HTTP server and the CLI only carry them.
import { type Agent, type ImeEvent, SYNCAPP_MONIKER, SYNCCOMPLIANCE_MONIKER } from "@imesim/agent";
import type { Device } from "@imesim/agent/host";
import { ImesimError } from "@imesim/contracts/errors";
import {
  deleteRegistry,
  logFileOf,
  type RegistryView,
  readRegistryKey,
  setLogLevel,
  setRegistryValue,
  tailLog,
} from "./operations.ts";

/** What the verbs act on. */
export interface ControlTarget {
  readonly agent: Agent;
  readonly device: Device;
  /** The newest events, oldest first (the server keeps a bounded window). */
  recentEvents(): readonly ImeEvent[];
}

export type VerbArgs = Readonly<Record<string, unknown>>;

interface Verb {
  readonly summary: string;
  /** `name=value` arguments the verb takes, for `--help` and error messages. */
  readonly args: string;
  run(target: ControlTarget, args: VerbArgs): unknown;
}

const badArgument = (verb: string, message: string): ImesimError =>
  new ImesimError("CTL_BAD_ARGUMENT", `${verb}: ${message}`);

function text(verb: string, args: VerbArgs, name: string): string;
function text(verb: string, args: VerbArgs, name: string, optional: true): string | undefined;
function text(verb: string, args: VerbArgs, name: string, optional?: true): string | undefined {
  const value = args[name];
  if (value === undefined && optional === true) return undefined;
  if (typeof value !== "string" || (value === "" && name !== "name"))
    throw badArgument(verb, `${name} must be a non-empty string, got ${JSON.stringify(value) ?? "nothing"}`);
  return value;
}

function count(verb: string, args: VerbArgs, name: string, fallback: number, max: number): number {
  const raw = args[name];
  if (raw === undefined) return fallback;
  const value = typeof raw === "string" ? Number(raw) : raw;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > max)
    throw badArgument(verb, `${name} must be an integer from 0 to ${max}, got ${JSON.stringify(raw)}`);
  return value;
}

function view(verb: string, args: VerbArgs): RegistryView {
  const raw = args.view;
  if (raw === undefined) return 64;
  if (raw === 32 || raw === "32") return 32;
  if (raw === 64 || raw === "64") return 64;
  throw badArgument(verb, `view must be 32 or 64, got ${JSON.stringify(raw)}`);
}

function flag(verb: string, args: VerbArgs, name: string, fallback: boolean): boolean {
  const raw = args[name];
  if (raw === undefined) return fallback;
  if (raw === true || raw === "true") return true;
  if (raw === false || raw === "false") return false;
  throw badArgument(verb, `${name} must be true or false, got ${JSON.stringify(raw)}`);
}

/** A device user by account name, Entra object id or SID (the device profile's users). */
function userOf(target: ControlTarget, verb: string, args: VerbArgs) {
  const wanted = text(verb, args, "user").toLowerCase();
  const users = target.device.profile.users;
  const user = users.find((u) => [u.name, u.entraObjectId, u.sid].some((id) => id.toLowerCase() === wanted));
  if (user === undefined)
    throw new ImesimError(
      "CTL_UNKNOWN_USER",
      `${verb}: the device has no user "${args.user}"; its users are ${users.map((u) => u.name).join(", ") || "none"}`,
    );
  return { user, session: users.indexOf(user) + 1 };
}

/** Starts an agent trigger; the answer says which, and the event sequence it follows (for `events since=`). */
const trigger = (summary: string, what: Parameters<Agent["trigger"]>[0]): Verb => ({
  summary,
  args: "",
  run(target) {
    const since = target.recentEvents().at(-1)?.seq ?? 0;
    target.agent.trigger(what);
    return { triggered: typeof what === "string" ? what : Object.keys(what)[0], since };
  },
});

export const VERBS: Readonly<Record<string, Verb>> = {
  syncapp: trigger(`open ${SYNCAPP_MONIKER}: an app check-in (CheckinReason OnDemand)`, SYNCAPP_MONIKER),
  synccompliance: trigger(
    `open ${SYNCCOMPLIANCE_MONIKER}: custom compliance is evaluated now`,
    SYNCCOMPLIANCE_MONIKER,
  ),
  restart: trigger(
    "Restart-Service IntuneManagementExtension: start-up delays, then an AgentRestart check-in",
    "restart",
  ),
  reboot: trigger("restart Windows: the device is down for minutes, then the service starts", "reboot"),
  "company-portal-sync": trigger(
    "Company Portal → Settings → Sync: an MDM check-in and an IME check-in (OnDemand)",
    "companyPortalSync",
  ),
  logon: {
    summary: "a device user signs in (CheckinReason UserLogOn)",
    args: "user=<name|objectId|sid>",
    run(target, args) {
      const { user, session } = userOf(target, "logon", args);
      const since = target.recentEvents().at(-1)?.seq ?? 0;
      target.agent.trigger({
        logon: { userId: user.entraObjectId, userSid: user.sid, session, accountName: user.name },
      });
      return { triggered: "logon", user: user.name, since };
    },
  },
  logoff: {
    summary: "a device user signs out",
    args: "user=<name|objectId|sid>",
    run(target, args) {
      const { user } = userOf(target, "logoff", args);
      target.agent.trigger({ logoff: user.entraObjectId });
      return { triggered: "logoff", user: user.name };
    },
  },
  "set-registry": {
    summary: "set a registry value on the device (reg add /f)",
    args: "key=<HKLM\\...> name=<value name> [type=REG_SZ|REG_DWORD|...] data=<data> [view=64|32]",
    run(target, args) {
      const verb = "set-registry";
      const type = text(verb, args, "type", true);
      const raw = args.data;
      if (raw !== undefined && typeof raw !== "string" && typeof raw !== "number" && !Array.isArray(raw))
        throw badArgument(verb, `data must be a string, a number or a list, got ${JSON.stringify(raw)}`);
      const entry = {
        key: text(verb, args, "key"),
        name: text(verb, args, "name"),
        view: view(verb, args),
        ...(type === undefined ? {} : { type }),
        ...(raw === undefined ? {} : { data: raw as string | number | string[] }),
      };
      if (type !== undefined && !/^REG_(SZ|EXPAND_SZ|DWORD|QWORD|MULTI_SZ|BINARY)$/.test(type))
        throw badArgument(
          verb,
          `type "${type}" is not one of REG_SZ, REG_EXPAND_SZ, REG_DWORD, REG_QWORD, REG_MULTI_SZ, REG_BINARY`,
        );
      setRegistryValue(target.device, entry);
      return readRegistryKey(target.device, entry.key, entry.view);
    },
  },
  "delete-registry": {
    summary: "delete a registry value, or the key when no name is given (reg delete)",
    args: "key=<HKLM\\...> [name=<value name>] [view=64|32]",
    run(target, args) {
      const verb = "delete-registry";
      const name = text(verb, args, "name", true);
      const key = text(verb, args, "key");
      const deleted = deleteRegistry(target.device, {
        key,
        view: view(verb, args),
        ...(name === undefined ? {} : { name }),
      });
      if (!deleted)
        throw new ImesimError(
          "CTL_KEY_NOT_FOUND",
          name === undefined
            ? `key "${key}" does not exist`
            : `value "${name}" does not exist under "${key}"`,
        );
      return { deleted: name === undefined ? key : `${key}\\${name}` };
    },
  },
  "read-registry": {
    summary: "a registry key's values and subkeys (reg query)",
    args: "key=<HKLM\\...> [view=64|32]",
    run: (target, args) =>
      readRegistryKey(target.device, text("read-registry", args, "key"), view("read-registry", args)),
  },
  "read-log": {
    summary: "the last lines of one IME log",
    args: "log=<AppWorkload|IntuneManagementExtension|AgentExecutor|HealthScripts> [lines=50]",
    run(target, args) {
      const file = logFileOf(text("read-log", args, "log"));
      return {
        log: `${file}.log`,
        lines: tailLog(target.agent, file, count("read-log", args, "lines", 50, 100_000)),
      };
    },
  },
  "set-log-level": {
    summary:
      "set switchValue in the agent config (ime.md §1.1), then restart the service unless restart=false",
    args: "level=Information|Verbose [restart=true]",
    run(target, args) {
      const raw = text("set-log-level", args, "level");
      const level =
        raw.toLowerCase() === "verbose"
          ? "Verbose"
          : raw.toLowerCase() === "information"
            ? "Information"
            : undefined;
      if (level === undefined)
        throw badArgument("set-log-level", `level must be Information or Verbose, got "${raw}"`);
      setLogLevel(target.device, level);
      const restart = flag("set-log-level", args, "restart", true);
      if (restart) target.agent.trigger("restart");
      return { level, restarted: restart };
    },
  },
  status: {
    summary: "the service's state and log level",
    args: "",
    run: (target) => ({
      service: target.agent.status(),
      logLevel: target.agent.logLevel(),
      lastEvent: target.recentEvents().at(-1)?.seq ?? 0,
    }),
  },
  events: {
    summary: "the events after a sequence number (from the server's window of recent events)",
    args: "[since=0] [phase=<phase prefix>]",
    run(target, args) {
      const since = count("events", args, "since", 0, Number.MAX_SAFE_INTEGER);
      const phase = text("events", args, "phase", true);
      return {
        events: target
          .recentEvents()
          .filter((e) => e.seq > since && (phase === undefined || e.phase.startsWith(phase))),
      };
    },
  },
};

/** Runs one verb; CTL_UNKNOWN_VERB names the verb and lists the known ones. */
export function runVerb(target: ControlTarget, verb: string, args: VerbArgs): unknown {
  const known = Object.hasOwn(VERBS, verb) ? VERBS[verb] : undefined;
  if (known === undefined)
    throw new ImesimError(
      "CTL_UNKNOWN_VERB",
      `unknown verb "${verb}"; the verbs are ${Object.keys(VERBS).join(", ")}`,
    );
  return known.run(target, args);
}
