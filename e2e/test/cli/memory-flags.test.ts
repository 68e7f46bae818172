// The V8 flags the bin restarts itself with (e2e/bin/memory-flags.cjs): `imesim test` streams with a small young
// generation (issue 19), `imesim run` simulates with a large one (issue 18), other commands start as they are.
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";

const flags = createRequire(import.meta.url)("../../bin/memory-flags.cjs") as {
  STREAMING_NODE_FLAGS: string[];
  SIMULATION_NODE_FLAGS: string[];
  nodeFlagsFor(argv: string[]): string[];
  needsNodeFlags(argv: string[], execArgv: string[]): boolean;
};
const argv = (command: string) => ["node", "imesim.js", command, "scenario.yaml"];

describe("the bin's V8 flags per command", () => {
  it("gives `test` the streaming flags and `run` the simulation flags", () => {
    expect(flags.nodeFlagsFor(argv("test"))).toEqual(flags.STREAMING_NODE_FLAGS);
    expect(flags.nodeFlagsFor(argv("run"))).toEqual(flags.SIMULATION_NODE_FLAGS);
    expect(flags.SIMULATION_NODE_FLAGS).not.toEqual(flags.STREAMING_NODE_FLAGS);
    expect(flags.nodeFlagsFor(argv("explain"))).toEqual([]);
  });

  it("restarts a command once: not when its flags are already there, never for a command without flags", () => {
    expect(flags.needsNodeFlags(argv("run"), [])).toBe(true);
    expect(flags.needsNodeFlags(argv("run"), [...flags.SIMULATION_NODE_FLAGS])).toBe(false);
    expect(flags.needsNodeFlags(argv("test"), [...flags.SIMULATION_NODE_FLAGS])).toBe(true);
    expect(flags.needsNodeFlags(argv("explain"), [])).toBe(false);
  });
});
