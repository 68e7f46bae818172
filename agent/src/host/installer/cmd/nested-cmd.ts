// `cmd.exe /c …` started from a command line or script: a child process with a copy of the environment,
// the bitness it was started with (Sysnative gives a 64-bit cmd), and cmd's quote rule (windows-formats.md §6.8).
import { processEnvironment } from "../../process/process-environment.ts";
import type { CallerProcess, ProgramInvocation, ProgramResult } from "../../process/program.ts";
import { createCmdProcess } from "./interpreter.ts";

/** Runs `cmd.exe <args>` as a child process sharing the parent's output streams. */
export async function runNestedCmd(
  invocation: ProgramInvocation,
  parent: CallerProcess,
): Promise<ProgramResult> {
  const match =
    /^((?:\s*\/(?:[adqsu]|[ev]:(?:on|off)|t:[0-9a-f]{1,2}|f:(?:on|off))\b)*)\s*\/([ck])\s?(.*)$/is.exec(
      invocation.args,
    );
  if (match === null) {
    // An interactive cmd reads commands from stdin; the install has none, so it exits at once.
    return { exitCode: 0 };
  }
  const switches = (match[1] ?? "").toLowerCase();
  const text = stripOuterQuotes(match[3] ?? "", switches.includes("/s"));
  const sameBitness = invocation.context.bitness === parent.context.bitness;
  const child = createCmdProcess({
    host: parent.host,
    context: invocation.context,
    cwd: parent.cwd,
    // A child of the same bitness inherits the parent's variables; through Sysnative it gets the 64-bit block.
    environment: sameBitness
      ? parent.environment.clone()
      : processEnvironment(parent.host, invocation.context),
    ...(parent.resolver === undefined ? {} : { resolver: parent.resolver }),
    ...(parent.world === undefined ? {} : { world: parent.world }),
    programs: parent.programs,
    delayedExpansion: switches.includes("/v:on"),
    stdout: parent.stdout,
    stderr: parent.stderr,
    startedWith: text,
    startedAtMs: parent.now(),
  });
  let flow: Awaited<ReturnType<typeof child.runLine>>;
  try {
    flow = await child.runLine(text);
  } finally {
    child.flushOutput();
  }
  const exitCode = flow?.kind === "exit-process" ? flow.code : child.errorLevel;
  return { exitCode, durationMs: child.elapsedMs };
}

/** cmd keeps the outer quotes only in the narrow case §6.8 lists; otherwise it drops the first and the last quote. */
function stripOuterQuotes(text: string, forceStrip: boolean): string {
  const trimmed = text.trimStart();
  if (!trimmed.startsWith('"')) return trimmed;
  const quoteCount = [...trimmed].filter((c) => c === '"').length;
  const closing = trimmed.indexOf('"', 1);
  const inner = closing > 0 ? trimmed.slice(1, closing) : "";
  const keep =
    !forceStrip &&
    quoteCount === 2 &&
    !/[&<>()@^|]/.test(inner) &&
    /\s/.test(inner) &&
    /\.(exe|com|bat|cmd)$/i.test(inner);
  if (keep) return trimmed;
  const last = trimmed.lastIndexOf('"');
  return last > 0 ? trimmed.slice(1, last) + trimmed.slice(last + 1) : trimmed.slice(1);
}
