import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import type { Agent, Clock, DeviceIdentity } from "@imesim/agent";
import type { Device } from "@imesim/agent/host";
import { isImesimError } from "@imesim/contracts/errors";
import { type Command, InvalidArgumentError } from "commander";
import { controlFilePath, writeControlFile } from "../../control/ctl-file.ts";
import { enrollmentUsersOf } from "../../run/tenant-users.ts";
import { parseDuration } from "../../scenario/duration.ts";
import type { LoadedScenario } from "../../scenario/index.ts";
import { DEFAULT_START } from "../../scenario/model.ts";
import { registerAgentCtl } from "./agent-ctl.ts";
import { loadScenarioOrExit } from "./scenario-file.ts";

interface AgentCommandOptions {
  server?: string;
  device?: string;
  scenario?: string;
  name: string;
  logs?: string;
  out?: string;
  runFor?: number | "scenario";
  speed?: number;
  keepAlive?: boolean;
  ctl?: boolean;
  ctlHost?: string;
  ctlPort?: number;
  ctlAllowRemote?: boolean;
}

function port(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0 || number > 65_535)
    throw new InvalidArgumentError("must be a port number from 0 (any free port) to 65535");
  return number;
}

/** `--run-for`: a duration, or `scenario` for the scenario's own `duration` (compose runs any scenario unchanged). */
function runFor(value: string): number | "scenario" {
  if (value === "scenario") return value;
  try {
    return parseDuration(value);
  } catch {
    throw new InvalidArgumentError("must be a duration such as 90m, 2h or 30d");
  }
}

function speed(value: string): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0)
    throw new InvalidArgumentError("must be a positive number, e.g. 120 for two simulated hours a minute");
  return number;
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
  options: AgentCommandOptions & { server: string },
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
  const agentCommand = program.command("agent");
  agentCommand
    .description(
      "Run one simulated IME against a running mock service over HTTP (see `imesim serve`), on real time by default; " +
        "its device, users, installer and script behaviour can come from a scenario file.",
    )
    // Checked in the action, not by commander: `imesim agent ctl` (a sub-command) needs no --server.
    .option("--server <url>", "base URL of the service, e.g. http://127.0.0.1:8080 (required)", serverUrl)
    .option(
      "--device <db>",
      "keep the device (registry, files, enrollment) in this SQLite file across restarts",
    )
    .option("--scenario <file>", "take the device, users, installers and scripts from this scenario")
    .option("--name <name>", "device name at enrollment", "IMESIM-AGENT")
    .option("--logs <dir>", "write AppWorkload.log and the other IME logs here")
    .option(
      "--out <dir>",
      "write Logs/, events.jsonl, the IME registry as a .reg and agent.json (when the run is over) here",
    )
    .option(
      "--run-for <duration>",
      "run this much simulated time (`scenario`: the scenario's duration), then exit; as fast as possible " +
        "unless --speed is given (default: until Ctrl+C)",
      runFor,
    )
    .option("--speed <factor>", "run the clock this many times faster than real time (default 1)", speed)
    .option("--keep-alive", "after --run-for, stay up until stopped (compose: an agent done is not the end)")
    .option(
      "--ctl",
      "serve the control surface for `imesim agent ctl` on loopback; its URL and token go to agent-ctl.json in " +
        "--out (else <device>.ctl.json), readable by you only",
    )
    .option("--ctl-port <port>", "port of the control surface (default: any free port)", port)
    .option("--ctl-host <addr>", "address of the control surface (default 127.0.0.1; loopback only)")
    .option(
      "--ctl-allow-remote",
      "let --ctl-host be an address other machines reach (the token still guards it)",
    )
    .action(async (given: AgentCommandOptions) => {
      if (given.server === undefined)
        return agentCommand.error("error: required option '--server <url>' not specified", {
          code: "commander.missingMandatoryOptionValue",
        });
      const options = { ...given, server: given.server };
      const ctlFile = options.ctl === true ? controlFilePath(options) : undefined;
      if (options.ctl === true && ctlFile === undefined)
        return agentCommand.error("error: --ctl needs --out or --device: the control file is saved there", {
          code: "commander.invalidArgument",
        });
      const scenario =
        options.scenario === undefined
          ? undefined
          : await loadScenarioOrExit(options.scenario, { appsOptional: true });
      if (options.scenario !== undefined && scenario === undefined) return;
      if (options.runFor === "scenario" && scenario === undefined) {
        process.stderr.write("imesim agent: --run-for scenario needs --scenario\n");
        process.exitCode = 2;
        return;
      }
      const runForMs = options.runFor === "scenario" ? scenario?.durationMs : options.runFor;
      // The agent loads when the command runs (see commands/index.ts).
      const [
        { createAgent, createCommandLineInstaller, createRealClock, createVirtualClock },
        { createDevice },
        { scenarioInstaller, scenarioScripts },
        { withScriptedResults },
        { healthOptionsOf },
        { deviceProfileOf, seedDevice },
        { timelineEntry },
        { perform },
        { createAppNames },
        { createAgentOutputs },
      ] = await Promise.all([
        import("@imesim/agent"),
        import("@imesim/agent/host"),
        import("../../run/agent-parts.ts"),
        import("../../run/script-setup.ts"),
        import("../../run/health-setup.ts"),
        import("../../run/device-setup.ts"),
        import("../../run/reports.ts"),
        import("../../run/run-scenario.ts"),
        import("../../remote/app-names.ts"),
        import("../../remote/agent-outputs.ts"),
      ]);
      // --run-for alone runs virtual time as fast as possible; with --speed (or without --run-for) the clock
      // is the wall clock, scaled: HTTP to a real service takes real time, so only a steady pace fits it.
      const virtual =
        runForMs !== undefined && options.speed === undefined
          ? createVirtualClock(scenario?.startMs ?? Date.parse(DEFAULT_START))
          : undefined;
      const clock: Clock = virtual ?? createRealClock({ speed: options.speed ?? 1 });
      const fresh = options.device === undefined || !existsSync(options.device);
      if (options.device !== undefined) mkdirSync(dirname(resolve(options.device)), { recursive: true });
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
      const outputs = options.out === undefined ? undefined : createAgentOutputs(options.out);
      const logsDir = options.logs ?? outputs?.logsDir;
      if (logsDir !== undefined) mkdirSync(logsDir, { recursive: true });
      const agent = createAgent({
        deviceId: identity.deviceId,
        device,
        clock,
        service: { identity },
        // The same installer model as `imesim run` and `imesim test`: the scenario's scripted behaviours
        // first, then cmd and msiexec running the package's real command line.
        installer:
          scenario === undefined
            ? createCommandLineInstaller({ clock })
            : scenarioInstaller(scenario, undefined, clock),
        // The scenario's scripted script results (their marker is in the body the runner published) first.
        scriptRunner:
          scenario === undefined
            ? scenarioScripts(undefined)
            : withScriptedResults(scenario, scenarioScripts(scenario)),
        // A device on its own runs the app inventory collector (issue 16; ime.md §1.1 lists its
        // Win32AppInventory.log among the IME's logs). `imesim run` turns it on per scenario.
        inventory: true,
        // …and the daily health evaluation task that repairs a stopped or disabled IME (ime.md §8), with the
        // scenario's health settings when it has them.
        health: (scenario === undefined ? undefined : healthOptionsOf(scenario)) ?? true,
        users: (identity.userless === true ? [] : (scenario?.users ?? []))
          .filter((user) => user.loggedOn)
          .map((user, index) => ({ userId: user.objectId, userSid: user.sid, session: index + 1 })),
        ...(logsDir === undefined ? {} : { logsDir }),
      });
      const start = clock.now();
      const names = createAppNames();
      const at = (time: number) => new Date(time).toISOString();
      agent.subscribe((event) => {
        names.learn(event);
        outputs?.record(event);
        if (event.phase === "service.startupDelay") {
          const wall =
            options.speed === undefined || virtual !== undefined
              ? ""
              : `, ${(event.details.win32CheckinsMs / options.speed / 1000).toFixed(1)} s at ${options.speed}×`;
          process.stdout.write(
            `${at(event.simTime)}  waiting ${event.details.win32CheckinsMs / 1000} s for the first check-in` +
              ` (at ${at(event.simTime + event.details.win32CheckinsMs)}${wall})\n`,
          );
        }
        const line = timelineEntry(event, names.nameOf);
        if (line !== undefined) process.stdout.write(`${at(event.simTime)}  ${line}\n`);
      });
      process.stdout.write(`device ${identity.deviceId} (${options.name}) enrolled with ${options.server}\n`);
      const control =
        ctlFile === undefined
          ? undefined
          : await startAgentControl(agent, device, identity.deviceId, ctlFile, options).catch(
              (error: unknown) => {
                process.stderr.write(`imesim agent: ${(error as Error).message}\n`);
                return null;
              },
            );
      if (control === null) {
        agent.dispose();
        device.close();
        process.exitCode = 2;
        return;
      }
      // The scenario's timed actions (an admin's reset, a logon, a syncapp) at their offsets from the start,
      // naming apps by the ids the service gave them.
      if (scenario !== undefined)
        for (const action of scenario.actions)
          clock.setTimeout(
            () => perform(action, { agent, device }, names.withServiceIds(scenario)),
            action.atMs,
          );
      agent.start();
      if (runForMs !== undefined) {
        const end = start + runForMs;
        if (virtual !== undefined) await virtual.runUntil(end);
        else await clock.sleep(runForMs);
      } else await stopSignal();
      agent.stop();
      agent.logs.flush();
      const failure = agent.failure();
      outputs?.finish(device.registry, {
        deviceId: identity.deviceId,
        deviceName: options.name,
        // Relative when inside the output folder, so a reader that mounts the folder elsewhere still finds it.
        device:
          options.device === undefined || options.out === undefined
            ? options.device
            : relative(options.out, options.device).startsWith("..")
              ? resolve(options.device)
              : relative(options.out, options.device),
        startedAt: start,
        endedAt: clock.now(),
        failure: failure === undefined ? undefined : String((failure as Error).message ?? failure),
      });
      await control?.close();
      agent.dispose();
      device.close();
      if (runForMs !== undefined && options.keepAlive === true) {
        process.stdout.write(`run over at ${at(clock.now())}; staying up until stopped (--keep-alive)\n`);
        await stopSignal();
      }
    });
  registerAgentCtl(agentCommand);
}

/** Starts the control surface and saves its URL and token (0600) for `imesim agent ctl`; prints them once. */
async function startAgentControl(
  agent: Agent,
  device: Device,
  deviceId: string,
  file: string,
  options: AgentCommandOptions,
) {
  const { startControlServer } = await import("../../control/server.ts");
  const server = await startControlServer({
    agent,
    device,
    ...(options.ctlHost === undefined ? {} : { host: options.ctlHost }),
    ...(options.ctlPort === undefined ? {} : { port: options.ctlPort }),
    allowRemote: options.ctlAllowRemote === true,
  });
  writeControlFile(file, { url: server.url, token: server.token, pid: process.pid, deviceId });
  process.stdout.write(`control surface ${server.url} (token ${server.token}, saved in ${file})\n`);
  return {
    async close() {
      await server.close();
      rmSync(file, { force: true });
    },
  };
}

/**
 * Resolves on the first SIGINT or SIGTERM (Ctrl+C, `docker stop`). A timer keeps the process up meanwhile:
 * signal listeners alone do not, and after `--run-for` nothing else is scheduled.
 */
function stopSignal(): Promise<void> {
  return new Promise<void>((resolve) => {
    const awake = setInterval(() => {}, 2 ** 30);
    const stop = () => {
      clearInterval(awake);
      resolve();
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
}
