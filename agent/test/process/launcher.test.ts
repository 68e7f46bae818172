// The launcher is the only place that knows every program: interpreters and modelled programs never import
// each other (design.md "Where the next pieces go"), and the programs a script can start come from its table.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MODELLED_PROGRAMS } from "../../src/host/process/launcher.ts";

const HOST = join(import.meta.dirname, "../../src/host");
const INTERPRETERS = ["installer/cmd", "installer/msiexec", "installer/powershell", "programs"];

function importsOf(folder: string): Array<{ file: string; target: string }> {
  const out: Array<{ file: string; target: string }> = [];
  const visit = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) visit(path);
      else if (entry.name.endsWith(".ts")) {
        for (const match of readFileSync(path, "utf8").matchAll(/from "([^"]+)"/g)) {
          if (match[1]!.startsWith(".")) out.push({ file: path, target: join(dir, match[1]!) });
        }
      }
    }
  };
  visit(join(HOST, folder));
  return out;
}

describe("the process launcher", () => {
  it("is the only module that imports more than one interpreter: none imports another", () => {
    for (const folder of INTERPRETERS) {
      const others = INTERPRETERS.filter((other) => other !== folder).map((other) => join(HOST, other));
      const crossing = importsOf(folder).filter(({ target }) =>
        others.some((o) => target.startsWith(`${o}/`)),
      );
      expect(crossing, `${folder} imports another interpreter`).toEqual([]);
    }
  });

  it("registers cmd, msiexec and the Windows utilities by file name", () => {
    for (const name of ["cmd.exe", "msiexec.exe", "reg.exe", "xcopy.exe", "robocopy.exe", "find.exe"]) {
      expect(MODELLED_PROGRAMS.has(name), name).toBe(true);
    }
  });
});
