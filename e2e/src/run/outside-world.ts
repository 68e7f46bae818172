// The scenario's `web:` and `packages:` as the agent's OutsideWorld: the modelled internet a package script
// downloads from and the catalogue choco/winget install from (agent process/outside-world.ts). Every
// scenario gets one, so Chocolatey's well-known bootstrap URL is always answered and an unknown package id
// gets the package manager's "no package found"; a URL neither listed nor offline stops as not modelled.
import { readFileSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import {
  type CataloguePackage,
  createOutsideWorld,
  type OutsideWorld,
  type WebEntry,
} from "@imesim/agent/host";
import { ImesimError } from "@imesim/contracts/errors";
import type { LoadedScenario } from "../scenario/index.ts";
import { registryValueOf } from "./registry-data.ts";

function webEntries(scenario: LoadedScenario): Array<[string, WebEntry]> {
  return (scenario.source.web?.urls ?? []).map((entry, index): [string, WebEntry] => {
    if (entry.status !== undefined) return [entry.url, { status: entry.status }];
    if (entry.content !== undefined) return [entry.url, { content: entry.content }];
    if (entry.file === undefined)
      throw new ImesimError(
        "SCENARIO_WEB_INVALID",
        `web.urls[${index}] (${entry.url}): give file, content or status`,
        { path: `web.urls[${index}]` },
      );
    const path = isAbsolute(entry.file) ? entry.file : join(scenario.baseDir, entry.file);
    try {
      return [entry.url, { content: readFileSync(path) }];
    } catch {
      throw new ImesimError(
        "SCENARIO_WEB_INVALID",
        `web.urls[${index}]: cannot read ${path} for ${entry.url}`,
        {
          path: `web.urls[${index}].file`,
        },
      );
    }
  });
}

function cataloguePackages(scenario: LoadedScenario): CataloguePackage[] {
  return (scenario.source.packages ?? []).map((pkg) => ({
    manager: pkg.manager,
    id: pkg.id,
    version: pkg.version,
    ...(pkg.name === undefined ? {} : { name: pkg.name }),
    ...(pkg.exitCode === undefined ? {} : { exitCode: pkg.exitCode }),
    files: (pkg.files ?? []).map((file) => ({
      path: file.path,
      content: file.content ?? "\0".repeat(file.sizeBytes ?? 0),
      ...(file.version === undefined ? {} : { version: file.version }),
    })),
    registry: (pkg.registry ?? []).map((entry) => ({
      key: entry.key,
      name: entry.name,
      value: registryValueOf(entry.type, entry.data),
    })),
  }));
}

/** The world outside the scenario's devices. */
export function outsideWorldOf(scenario: LoadedScenario): OutsideWorld {
  return createOutsideWorld({
    web: webEntries(scenario),
    offline: scenario.source.web?.offline === true,
    packages: cataloguePackages(scenario),
  });
}
