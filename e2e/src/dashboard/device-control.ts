// How the dashboard acts on a device: through the agent control surface's verbs (e2e/src/control/verbs.ts, the
// operations of operations.ts), never a code path of its own. Two ways in:
// - a device of `imesim run --ui` runs in this process: the verb runs on its agent directly (runVerb), as the
//   surface's HTTP server would run it;
// - an `imesim agent --out <dir> --ctl` opened with `imesim ui <dir>`: the request goes to that agent's loopback
//   surface with the token from its control file, server side (the token never reaches the page).
import { existsSync } from "node:fs";
import type { DeviceOperation } from "@imesim/dashboard/api";
import { callControl } from "../control/client.ts";
import { type ControlTarget, runVerb, VERBS } from "../control/verbs.ts";

/** One device's operations: what they go through, and the call. */
export interface DeviceControl {
  /** Undefined when operations can run; otherwise why not (shown instead of the buttons). */
  readonly unavailable?: string;
  /** What the operations go through, for the page. */
  readonly via: string;
  run(verb: string, args: Readonly<Record<string, unknown>>): Promise<unknown>;
}

/** The surface's verbs as the page lists them. */
export const DEVICE_OPERATIONS: readonly DeviceOperation[] = Object.entries(VERBS).map(([verb, v]) => ({
  verb,
  summary: v.summary,
  args: v.args,
}));

/** An agent in this process; `stopped` says why it can no longer act (e.g. the run's clock has stopped). */
export function inProcessControl(target: ControlTarget, stopped: () => string | undefined): DeviceControl {
  return {
    get unavailable() {
      return stopped();
    },
    via: "the agent in this process (imesim run --ui)",
    run: async (verb, args) => runVerb(target, verb, args),
  };
}

/** A running `imesim agent --ctl` whose control file is at `path` (removed when the agent exits). */
export function controlFileControl(path: string): DeviceControl {
  return {
    get unavailable() {
      return existsSync(path)
        ? undefined
        : `no agent control file at ${path}: operations need the agent running with --ctl (imesim agent --out <dir> --ctl)`;
    },
    via: `the agent's control surface (${path})`,
    run: (verb, args) => callControl(path, verb, args),
  };
}
