import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import type { Clock, DeviceIdentity } from "@imesim/agent";
import { isImesimError } from "@imesim/contracts/errors";
import { type Command, InvalidArgumentError } from "commander";
import { enrollmentUsersOf } from "../../run/tenant-users.ts";
import { parseDuration } from "../../scenario/duration.ts";
import type { LoadedScenario } from "../../scenario/index.ts";
import { DEFAULT_START } from "../../scenario/model.ts";
import { loadScenarioOrExit } from "./scenario-file.ts";

interface AgentCommandOptions {
  server: string;
  device?: string;
  scenario?: string;
  name: string;
  logs?: string;
  runFor?: number;
}

function duration(value: string): number {
  try {
    return parseDuration(value);
  } catch {
    throw new InvalidArgumentError("must be a duration such as 90m, 2h or 30d");
  }
}

/** `--server`: an absolute http(s) URL, checked before anything is enrolled or opened. */
function serverUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch (error) {
    throw new InvalidArgumentError(
      `not an absolute URL (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new InvalidArgumentError(`must be http: or https:, not ${url.protocol}`);
  return value;
}

/** The device's identity, and whether it enrolled with the scenario's users (saved beside it as `userless`). */
type SavedIdentity = DeviceIdentity & { readonly userless?: boolean };

/**
 * The device's identity: enrolled once, then kept beside its SQLite file so a restarted agent is the same device.
 * Users are tenant objects (contract U): when the service has no such users (nobody created them with
 * `POST /beta/users`), the agent says so and enrolls without users, running the system context only.
 */
async function identityFor(
  options: AgentCommandOptions,
  scenario: LoadedScenario | undefined,
  osVersion: string,
): Promise<SavedIdentity> {
  const saved = options.device === undefined ? undefined : `${options.device}.identity.json`;
  if (saved !== undefined && existsSync(saved))
    return JSON.parse(readFileSync(saved, "utf8")) as SavedIdentity;
  const { enrollDevice } = await import("@imesim/agent");
  const users = scenario === undefined ? [] : enrollmentUsersOf(scenario);
  const request = { deviceName: options.name, osVersion };
  let identity: SavedIdentity;
  try {
    identity = (await enrollDevice(options.server, { ...request, users })).identity;
  } catch (error) {
    if (users.length === 0 || !String((error as Error).message).includes("ENROLLMENT_USER_UNKNOWN"))
      throw error;
    const names = users.map((user) => `${user.userPrincipalName} (${user.id})`).join(", ");
    process.stderr.write(
      `imesim agent: the service has no user ${names}; enrolling without users (system context only). ` +
        "Create them first with POST /beta/users to run their sessions.\n",
    );
    identity = {
      ...(await enrollDevice(options.server, { ...request, users: [] })).identity,
      userless: true,
    };
  }
  if (saved !== undefined) writeFileSync(saved, JSON.stringify(identity, null, 2), { mode: 0o600 });
  return identity;
}

/** `imesim agent --server <url>`: one simulated IME against a running service (`imesim serve`), for runs across processes. */
export function registerAgent(program: Command): void {
  program
    .command("agent")
    .description(
      "Run one simulated IME against a running mock service over HTTP (see `imesim serve`), on real time by default; " +
        "its device, users, installer and script behaviour can come from a scenario file.",
    )
    .requiredOption("--server <url>", "base URL of the service, e.g. http://127.0.0.1:8080", serverUrl)
    .option(
      "--device <db>",
      "keep the device (registry, files, enrollment) in this SQLite file across restarts",
    )
    .option("--scenario <file>", "take the device, users, installers and scripts from this scenario")
    .option("--name <name>", "device name at enrollment", "IMESIM-AGENT")
    .option("--logs <dir>", "write AppWorkload.log and the other IME logs here")
    .option(
      "--run-for <duration>",
      "run this much virtual time as fast as possible, then exit (default: real time until Ctrl+C)",
      duration,
    )
    .action(async (options: AgentCommandOptions) => {
      const scenario =
        options.scenario === undefined ? undefined : await loadScenarioOrExit(options.scenario);
      if (options.scenario !== undefined && scenario === undefined) return;
      // The agent loads when the command runs (see commands/index.ts).
      const [
        { createAgent, createRealClock, createScriptedInstaller, createVirtualClock },
        { createDevice, createScriptedRunner },
        { installerBehaviours, scriptedScripts },
        { deviceProfileOf, seedDevice },
        { timelineEntry },
      ] = await Promise.all([
        import("@imesim/agent"),
        import("@imesim/agent/host"),
        import("../../run/behaviours.ts"),
        import("../../run/device-setup.ts"),
        import("../../run/reports.ts"),
      ]);
      const virtual =
        options.runFor === undefined
          ? undefined
          : createVirtualClock(scenario?.startMs ?? Date.parse(DEFAULT_START));
      const clock: Clock = virtual ?? createRealClock();
      const fresh = options.device === undefined || !existsSync(options.device);
      const device = createDevice({
        backend: options.device === undefined ? "memory" : { sqlitePath: options.device },
        clock,
        ...(scenario === undefined
          ? {}
          : { profile: { ...deviceProfileOf(scenario, 1), computerName: options.name } }),
      });
      if (scenario !== undefined && fresh) seedDevice(device, scenario);
      let identity: SavedIdentity;
      try {
        identity = await identityFor(options, scenario, device.profile.osVersion);
      } catch (error) {
        // The URL itself was checked by serverUrl; what fails here is the service (down, refusing, answering
        // badly): one line for the user, exit 1, never a stack trace.
        device.close();
        const code = isImesimError(error) ? ` [${error.code}]` : "";
        const message = error instanceof Error ? error.message : String(error);
        process.stderr.write(`imesim agent: cannot enroll with ${options.server}: ${message}${code}\n`);
        process.exitCode = 1;
        return;
      }
      if (options.logs !== undefined) mkdirSync(options.logs, { recursive: true });
      const agent = createAgent({
        deviceId: identity.deviceId,
        device,
        clock,
        service: { identity },
        installer: createScriptedInstaller(scenario === undefined ? [] : installerBehaviours(scenario)),
        scriptRunner: createScriptedRunner(scenario === undefined ? [] : scriptedScripts(scenario), {
          exitCode: 1,
          stdout: "",
          stderr: "",
        }),
        users: (identity.userless === true ? [] : (scenario?.users ?? []))
          .filter((user) => user.loggedOn)
          .map((user, index) => ({ userId: user.objectId, userSid: user.sid, session: index + 1 })),
        ...(options.logs === undefined ? {} : { logsDir: options.logs }),
      });
      const start = clock.now();
      agent.subscribe((event) => {
        const line = timelineEntry(event, (id) => id ?? "");
        if (line !== undefined) process.stdout.write(`${new Date(event.simTime).toISOString()}  ${line}\n`);
      });
      process.stdout.write(`device ${identity.deviceId} (${options.name}) enrolled with ${options.server}\n`);
      agent.start();
      if (virtual !== undefined && options.runFor !== undefined) {
        await virtual.runUntil(start + options.runFor);
        agent.stop();
        agent.dispose();
        device.close();
        return;
      }
      await new Promise<void>((resolve) => {
        process.once("SIGINT", resolve);
        process.once("SIGTERM", resolve);
      });
      agent.stop();
      agent.dispose();
      device.close();
    });
}
