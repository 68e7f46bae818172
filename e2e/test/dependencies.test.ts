// Every workspace declares what it imports and imports what it declares: runtime code's packages are
// dependencies, packages only tests import are devDependencies, and nothing is declared that nothing uses (a
// fresh `npm install` then fetches only what runs or tests imesim).
import { readdirSync, readFileSync, statSync } from "node:fs";
import { builtinModules } from "node:module";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "../..");
const WORKSPACES = ["contracts", "mock-service", "agent", "e2e"] as const;
const RUNTIME_FOLDERS = ["src", "bin"];
const TEST_FOLDERS = ["test", "scripts"];
// Declared for a reason no import shows: the container tests' runner (issue 12) drives docker through it, and
// pino loads pino-pretty by name as a transport target (mock-service/src/http/request-log.ts, `serve --log`).
// axe-core is read as a file and injected into the dashboard's pages by the browser tests (issue 17).
const DECLARED_WITHOUT_IMPORT = new Set(["e2e:testcontainers", "mock-service:pino-pretty", "e2e:axe-core"]);

// An npm package name, maybe with a subpath; anything else after `from` is prose in a string.
const PACKAGE_NAME = /^(@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*(\/[\w.-]+)*$/;

interface Manifest {
  name?: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

const manifestOf = (folder: string): Manifest =>
  JSON.parse(readFileSync(join(ROOT, folder, "package.json"), "utf8")) as Manifest;

/** The script files under a folder (or the file itself), fixtures and node_modules left out. */
function sourceFiles(path: string): string[] {
  let stats: ReturnType<typeof statSync>;
  try {
    stats = statSync(path);
  } catch {
    return [];
  }
  if (!stats.isDirectory()) return /\.(ts|js|cjs|mjs)$/.test(path) ? [path] : [];
  return readdirSync(path)
    .filter((name) => name !== "node_modules" && name !== "fixtures")
    .flatMap((name) => sourceFiles(join(path, name)));
}

/** Package names (`yaml`, `@azure/msal-node`) imported by the files under a workspace's folders. */
function importedPackages(workspace: string, folders: readonly string[]): Set<string> {
  const names = new Set<string>();
  const specifier = /(?:\bfrom\s+|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*)["']([^"'./][^"']*)["']/g;
  for (const file of folders.flatMap((folder) => sourceFiles(join(ROOT, workspace, folder)))) {
    for (const match of readFileSync(file, "utf8").matchAll(specifier)) {
      const text = match[1] as string;
      if (text.startsWith("node:") || builtinModules.includes(text) || !PACKAGE_NAME.test(text)) continue;
      names.add(
        text
          .split("/")
          .slice(0, text.startsWith("@") ? 2 : 1)
          .join("/"),
      );
    }
  }
  return names;
}

/** `@types/better-sqlite3` is used when `better-sqlite3` is. */
const typedPackage = (name: string): string =>
  name.startsWith("@types/") ? name.slice("@types/".length).replace(/^(.+)__(.+)$/, "@$1/$2") : name;

describe("declared dependencies", () => {
  const root = manifestOf(".");
  const rootDev = new Set(Object.keys(root.devDependencies ?? {}));

  it.each(WORKSPACES)("%s declares every package it imports, at the right level", (workspace) => {
    const manifest = manifestOf(workspace);
    const runtime = new Set(Object.keys(manifest.dependencies ?? {}));
    const dev = new Set(Object.keys(manifest.devDependencies ?? {}));
    const undeclaredRuntime = [...importedPackages(workspace, RUNTIME_FOLDERS)].filter(
      (name) => name !== manifest.name && !runtime.has(name),
    );
    // A package may import itself by its own name (the agent's tests import @imesim/agent).
    const undeclaredTest = [...importedPackages(workspace, TEST_FOLDERS)].filter(
      (name) => name !== manifest.name && !runtime.has(name) && !dev.has(name) && !rootDev.has(name),
    );
    expect({ undeclaredRuntime, undeclaredTest }).toEqual({ undeclaredRuntime: [], undeclaredTest: [] });
  });

  it.each(WORKSPACES)(
    "%s declares nothing it does not use, and test-only packages as devDependencies",
    (workspace) => {
      const manifest = manifestOf(workspace);
      const runtimeImports = importedPackages(workspace, RUNTIME_FOLDERS);
      const testImports = importedPackages(workspace, TEST_FOLDERS);
      const unused = (name: string) =>
        !DECLARED_WITHOUT_IMPORT.has(`${workspace}:${name}`) &&
        !runtimeImports.has(typedPackage(name)) &&
        !testImports.has(typedPackage(name));
      const runtimeButTestOnly = Object.keys(manifest.dependencies ?? {}).filter(
        (name) =>
          !DECLARED_WITHOUT_IMPORT.has(`${workspace}:${name}`) &&
          (name.startsWith("@types/") || !runtimeImports.has(name)) &&
          !unused(name),
      );
      const declaredUnused = [
        ...Object.keys(manifest.dependencies ?? {}),
        ...Object.keys(manifest.devDependencies ?? {}),
      ].filter(unused);
      expect({ declaredUnused, runtimeButTestOnly }).toEqual({ declaredUnused: [], runtimeButTestOnly: [] });
    },
  );

  it("the root's own imports (bench, config) are its devDependencies", () => {
    const imported = [...importedPackages(".", ["bench", "vitest.config.ts"])].filter(
      (name) => !name.startsWith("@imesim/") && !rootDev.has(name),
    );
    expect(imported).toEqual([]);
  });
});
