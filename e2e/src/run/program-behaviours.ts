// The scenario's `programs:` as the cmd interpreter's ProgramResolver: programs started from inside a
// package script that imesim does not model get the behaviour the scenario declares.
import type { ProgramResolver } from "@imesim/agent";
import type { Host, ProcessContext } from "@imesim/agent/host";
import { parseDuration } from "../scenario/duration.ts";
import type { LoadedScenario, ProgramBehaviour } from "../scenario/index.ts";
import { registryValueOf } from "./registry-data.ts";

/** What a behaviour looks at of a program start (a subset of the agent's ProgramInvocation). */
interface ProgramCall {
  readonly name: string;
  readonly args: string;
  readonly context: ProcessContext;
}

const baseName = (name: string) => (name.split(/[\\/]/).pop() ?? name).toLowerCase().replace(/\.exe$/, "");

function matches(behaviour: ProgramBehaviour, call: ProgramCall): boolean {
  if (baseName(behaviour.program) !== baseName(call.name)) return false;
  return behaviour.args === undefined || call.args.toLowerCase().includes(behaviour.args.toLowerCase());
}

/** Applies a program's declared files and registry values in the process's own context (32-bit redirection included). */
function applyEffects(behaviour: ProgramBehaviour, call: ProgramCall, host: Host): void {
  const access = {
    view: call.context.bitness,
    ...(call.context.userSid === undefined ? {} : { userSid: call.context.userSid }),
  };
  host.registry.transaction(() => {
    for (const file of behaviour.files ?? []) {
      const path = host.expandEnvironment(file.path, call.context);
      host.fs.writeFile(
        path,
        file.content ?? "\0".repeat(file.sizeBytes ?? 0),
        file.version === undefined ? undefined : { version: file.version },
      );
    }
    for (const entry of behaviour.registry ?? []) {
      host.registry.setValue(
        host.expandEnvironment(entry.key, call.context),
        entry.name,
        registryValueOf(entry.type, entry.data),
        access,
      );
    }
  });
}

/** A resolver answering the scenario's declared programs, and undefined (imesim's own models) for the rest. */
export function programResolverOf(scenario: LoadedScenario): ProgramResolver {
  const behaviours = scenario.source.programs ?? [];
  return (call, host) => {
    const behaviour = behaviours.find((candidate) => matches(candidate, call));
    if (behaviour === undefined) return undefined;
    applyEffects(behaviour, call, host);
    return {
      exitCode: behaviour.exitCode ?? 0,
      ...(behaviour.stdout === undefined ? {} : { stdout: behaviour.stdout }),
      ...(behaviour.duration === undefined ? {} : { durationMs: parseDuration(behaviour.duration) }),
    };
  };
}
