// `imesim agent ctl <verb> [name=value…]`: an admin's act on a running `imesim agent --ctl`, sent to its
// loopback control surface with the token the agent saved (e2e/src/control).
import { ImesimError, isImesimError } from "@imesim/contracts/errors";
import { type Command, InvalidArgumentError } from "commander";
import { callControl } from "../../control/client.ts";
import { controlFilePath } from "../../control/ctl-file.ts";

interface CtlOptions {
  out?: string;
  device?: string;
  file?: string;
  json?: boolean;
}

/** `name=value` → an argument; the server checks names and values and says which one is wrong. */
function argumentPair(value: string, previous: Record<string, string> = {}): Record<string, string> {
  const at = value.indexOf("=");
  if (at <= 0) throw new InvalidArgumentError(`"${value}" is not name=value (e.g. log=AppWorkload)`);
  return { ...previous, [value.slice(0, at)]: value.slice(at + 1) };
}

/** What a human reads: log lines as they are, a key's values as `reg query` lists them, the rest as JSON. */
function render(verb: string, result: unknown): string {
  if (verb === "read-log") return `${(result as { lines: string[] }).lines.join("\n")}\n`;
  if (verb === "read-registry") {
    const key = result as {
      key: string;
      values: { name: string; type: string; data: unknown }[];
      subkeys: string[];
    };
    const values = key.values.map(
      (v) =>
        `    ${v.name === "" ? "(Default)" : v.name}    ${v.type}    ${Array.isArray(v.data) ? v.data.join("\\0") : String(v.data)}`,
    );
    return `${[key.key, ...values, ...key.subkeys.map((name) => `${key.key}\\${name}`)].join("\n")}\n`;
  }
  return `${JSON.stringify(result, null, 2)}\n`;
}

/** One request to the agent's surface: `GET /v1` (the verbs) without args, `POST /v1/<verb>` with them. */
async function call(
  options: CtlOptions,
  verb: string | undefined,
  args?: Record<string, string>,
): Promise<unknown> {
  const path = options.file ?? controlFilePath(options);
  if (path === undefined)
    throw new ImesimError(
      "CTL_FILE_MISSING",
      "say where the agent keeps its control file: --out, --device or --file",
    );
  return callControl(path, verb, args);
}

/** Adds `ctl` under `imesim agent`. */
export function registerAgentCtl(agent: Command): void {
  agent
    .command("ctl")
    .description(
      "Act on a running `imesim agent --ctl` as an admin on the device: syncapp, synccompliance, restart, reboot, " +
        "company-portal-sync, logon/logoff user=…, set-registry/delete-registry/read-registry key=…, " +
        "read-log log=…, set-log-level level=…, status, events (`imesim agent ctl verbs` lists them)",
    )
    .argument("<verb>", "what to do, e.g. syncapp or read-log")
    .argument("[args...]", "the verb's arguments as name=value, e.g. log=AppWorkload lines=20")
    .option("--out <dir>", "the agent's --out folder (its control file is agent-ctl.json there)")
    .option("--device <db>", "the agent's --device file (its control file is <db>.ctl.json)")
    .option("--file <path>", "the control file itself")
    .option("--json", "print the answer as JSON")
    .action(async (verb: string, pairs: string[], _: CtlOptions, command: Command) => {
      // `--out` and `--device` are also `imesim agent`'s own options, which commander hands to the parent.
      const options = command.optsWithGlobals<CtlOptions>();
      try {
        const args = pairs.reduce<Record<string, string>>((all, pair) => argumentPair(pair, all), {});
        if (verb === "verbs") {
          const verbs = (await call(options, undefined)) as { verb: string; args: string; summary: string }[];
          for (const v of verbs)
            process.stdout.write(`${v.verb}${v.args === "" ? "" : ` ${v.args}`}\n    ${v.summary}\n`);
          return;
        }
        const result = await call(options, verb, args);
        process.stdout.write(
          options.json === true ? `${JSON.stringify(result, null, 2)}\n` : render(verb, result),
        );
      } catch (error) {
        const code = isImesimError(error) ? ` [${error.code}]` : "";
        process.stderr.write(
          `imesim agent ctl: ${error instanceof Error ? error.message : String(error)}${code}\n`,
        );
        process.exitCode = error instanceof InvalidArgumentError ? 2 : 1;
      }
    });
}
