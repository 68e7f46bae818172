// The scenario's `installers:` and `scripts:` as the agent's scripted installer and script runner inputs.
import type { ScriptedBehaviour } from "@imesim/agent";
import type { Host, ScriptedScript } from "@imesim/agent/host";
import { parseDuration } from "../scenario/duration.ts";
import type { InstallerAttempt, LoadedScenario, ScriptBehaviour } from "../scenario/index.ts";
import { msiRegistration, registryValueOf, UNINSTALL_KEY } from "./registry-data.ts";

/** A process that never ends: longer than any MaxRunTimeInMinutes (the portal allows at most 1440). */
const HANG_MS = 1441 * 60_000;

function appIdOf(scenario: LoadedScenario, name: string | undefined): string | undefined {
  return name === undefined ? undefined : scenario.apps.find((app) => app.name === name)?.id;
}

function attemptOf(attempt: InstallerAttempt) {
  return {
    exitCode: attempt.exitCode ?? 0,
    durationMs:
      attempt.hang === true
        ? HANG_MS
        : attempt.duration === undefined
          ? undefined
          : parseDuration(attempt.duration),
    stdout: attempt.stdout,
    effects: {
      writeFiles: (attempt.files ?? []).map((file) => ({
        path: file.path,
        content: file.content ?? "\0".repeat(file.sizeBytes ?? 0),
        ...(file.version === undefined ? {} : { version: file.version }),
      })),
      removeFiles: attempt.removeFiles ?? [],
      setValues: [
        ...(attempt.registry ?? []).map((entry) => ({
          key: entry.key,
          name: entry.name,
          value: registryValueOf(entry.type, entry.data),
        })),
        ...(attempt.msis ?? []).flatMap(msiRegistration),
      ],
      removeKeys: [
        ...(attempt.removeRegistryKeys ?? []),
        ...(attempt.removeMsis ?? []).map((code) => `${UNINSTALL_KEY}\\${code.toUpperCase()}`),
      ],
    },
  };
}

/** `match: /regex/flags` is a regular expression; anything else a case-insensitive substring. */
function matcherOf(match: string): string | RegExp {
  const regex = /^\/(.*)\/([a-z]*)$/s.exec(match);
  return regex === null ? match : new RegExp(regex[1] ?? "", regex[2]);
}

/** The scripted installer behaviours of a scenario. */
export function installerBehaviours(scenario: LoadedScenario): ScriptedBehaviour[] {
  return (scenario.source.installers ?? []).map((installer) => {
    const appId = appIdOf(scenario, installer.app);
    return {
      match: matcherOf(installer.match),
      ...(installer.intent === undefined ? {} : { intent: installer.intent }),
      ...(appId === undefined ? {} : { appId }),
      attempts: installer.attempts.map((attempt) => {
        const { durationMs, stdout, ...rest } = attemptOf(attempt);
        return {
          ...rest,
          ...(durationMs === undefined ? {} : { durationMs }),
          ...(stdout === undefined ? {} : { stdout }),
        };
      }),
    };
  });
}

export function conditionHolds(when: ScriptBehaviour["results"][number]["when"], host: Host): boolean {
  if (when === undefined) return true;
  const system64 = { account: "system", bitness: 64 } as const;
  if (
    when.fileExists !== undefined &&
    host.fs.stat(host.expandEnvironment(when.fileExists, system64)) === undefined
  )
    return false;
  if (when.registryKeyExists !== undefined && !host.registry.keyExists(when.registryKeyExists)) return false;
  if (
    when.msiInstalled !== undefined &&
    !([64, 32] as const).some((view) =>
      host.registry.keyExists(`${UNINSTALL_KEY}\\${when.msiInstalled?.toUpperCase()}`, { view }),
    )
  )
    return false;
  return true;
}

/** The scripted detection/requirement script results of a scenario: the first result whose `when` holds answers. */
export function scriptedScripts(scenario: LoadedScenario): ScriptedScript[] {
  return (scenario.source.scripts ?? []).map((script) => {
    const appId = appIdOf(scenario, script.app);
    return {
      ...(appId === undefined ? {} : { appId }),
      purpose: script.rule,
      result: (_request, host) => {
        const chosen = script.results.find((candidate) => conditionHolds(candidate.when, host));
        return {
          exitCode: chosen?.exitCode ?? (chosen === undefined ? 1 : 0),
          stdout: chosen?.stdout ?? "",
          stderr: chosen?.stderr ?? "",
        };
      },
    };
  });
}
