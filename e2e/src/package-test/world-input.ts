// `imesim test --web <url>=<file> … [--offline] [--catalogue <file>]`: what the simulated device reaches
// outside itself. The files are read by the simulation (as a scenario's `web:` and `packages:` sections, so
// the scenario schema checks them); here they are only located, with errors naming the bad argument.
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { ImesimError } from "@imesim/contracts/errors";
import { parse } from "yaml";
import type { SimulatedWorld } from "./simulate.ts";

export interface WorldOptions {
  /** `<url>=<file>` pairs: the file is the URL's body. */
  readonly web?: readonly string[];
  /** Every download fails as on a device without network. */
  readonly offline?: boolean;
  /** A YAML/JSON file listing catalogue packages (a list, or `packages:`), as a scenario's `packages:`. */
  readonly catalogue?: string;
}

/** `<url>=<file>`: the file is after the last `=` (a URL's query may hold `=`, a file name rarely does). */
function webEntry(pair: string): { url: string; file: string } {
  const at = pair.lastIndexOf("=");
  const url = at < 0 ? "" : pair.slice(0, at);
  const file = at < 0 ? "" : pair.slice(at + 1);
  if (!/^[a-z][a-z0-9+.-]*:\/\/\S+$/i.test(url) || file === "")
    throw new ImesimError("TEST_WEB_INVALID", `--web ${pair}: expected <url>=<file>`);
  if (!existsSync(file)) throw new ImesimError("TEST_WEB_INVALID", `--web ${pair}: ${file} does not exist`);
  return { url, file: resolve(file) };
}

function cataloguePackages(file: string): unknown[] {
  let document: unknown;
  try {
    document = parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new ImesimError("TEST_CATALOGUE_INVALID", `--catalogue ${file}: ${(error as Error).message}`);
  }
  const list = Array.isArray(document) ? document : (document as { packages?: unknown } | null)?.packages;
  if (!Array.isArray(list))
    throw new ImesimError(
      "TEST_CATALOGUE_INVALID",
      `--catalogue ${file}: expected a list of packages or packages:`,
    );
  return list;
}

/** The simulation's world from the command's options. */
export function worldOf(options: WorldOptions): SimulatedWorld {
  const urls = (options.web ?? []).map(webEntry);
  const web =
    urls.length > 0 || options.offline === true
      ? { ...(options.offline === true ? { offline: true } : {}), ...(urls.length > 0 ? { urls } : {}) }
      : undefined;
  return {
    ...(web === undefined ? {} : { web }),
    ...(options.catalogue === undefined ? {} : { packages: cataloguePackages(options.catalogue) }),
  };
}
