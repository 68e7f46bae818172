// The file a running agent leaves for `imesim agent ctl`: where its control surface listens and its token.
// Readable by its owner only (0600), like the identity file beside the device.
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ImesimError } from "@imesim/contracts/errors";

/** The file's name in an `--out` folder; beside a `--device` file it is `<device>.ctl.json`. */
export const CTL_FILE_NAME = "agent-ctl.json";

export interface ControlFile {
  readonly url: string;
  readonly token: string;
  readonly pid: number;
  readonly deviceId: string;
}

/** Where the control file goes: the output folder, else beside the device's state file; undefined when neither. */
export function controlFilePath(where: { out?: string; device?: string }): string | undefined {
  if (where.out !== undefined) return join(where.out, CTL_FILE_NAME);
  if (where.device !== undefined) return `${where.device}.ctl.json`;
  return undefined;
}

export function writeControlFile(path: string, file: ControlFile): void {
  writeFileSync(path, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
  // `mode` applies only when the file is created; a file left by an earlier run is tightened too.
  chmodSync(path, 0o600);
}

export function readControlFile(path: string): ControlFile {
  if (!existsSync(path))
    throw new ImesimError(
      "CTL_FILE_MISSING",
      `no control file at ${path}: start the agent with --ctl (and --out or --device) first`,
    );
  let parsed: Partial<ControlFile>;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8")) as Partial<ControlFile>;
  } catch (error) {
    throw new ImesimError("CTL_FILE_INVALID", `${path} is not JSON: ${(error as Error).message}`);
  }
  if (typeof parsed.url !== "string" || typeof parsed.token !== "string")
    throw new ImesimError("CTL_FILE_INVALID", `${path} lacks its url or token`);
  return parsed as ControlFile;
}
